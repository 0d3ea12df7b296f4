{#- Days that a monthly subscription's current dates cover in a closed period within
    the lookback (lookback_cycles), and that no closed line billed: a subscription
    entered after the period it started in was billed, or a start moved earlier.
    They are billed on the next invoice as a correction naming the invoice of that
    period: the price in effect on the period's first day, pro rata by day, less the
    subscription's contract discount while its contract runs, rounded half up once.
    Suspended days bill nothing (equipment aside); the promotions of that period
    are not applied again. Each run bills only the days that earlier back-bills of
    the same period and subscription left. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

periods as (

    select
        invoices.invoice_no,
        invoices.account_id,
        invoices.period_start,
        invoices.period_end
    from {{ ref('int_ledger_invoices_before_cycle') }} as invoices
    cross join bill_cycle
    where
        invoices.cycle_date
        >= {{ lookback_start('bill_cycle.cycle_date') }}

),

covered as (

    select
        periods.invoice_no,
        periods.period_start,
        periods.period_end,
        subscriptions.subscription_id,
        subscriptions.account_id,
        subscriptions.product_code,
        subscriptions.quantity as units,
        subscriptions.start_date,
        subscriptions.contract_months,
        subscriptions.contract_start_date,
        subscriptions.contract_discount_pct,
        products.price,
        products.product_type,
        products.name_ko,
        products.name_en,
        products.tax_category,
        greatest(periods.period_start, subscriptions.start_date) as covered_from,
        least(periods.period_end, coalesce(subscriptions.end_date, periods.period_end))
            as covered_to
    from periods
    inner join {{ ref('stg_cms__subscriptions') }} as subscriptions
        on
            periods.account_id = subscriptions.account_id
            and periods.period_end > subscriptions.start_date
            and periods.period_start < coalesce(subscriptions.end_date, periods.period_end)
    inner join {{ ref('stg_cms__products') }} as products
        on
            subscriptions.product_code = products.product_code
            and periods.period_start >= products.valid_from
            and (products.valid_to is null or periods.period_start < products.valid_to)
    where products.charge_type = 'monthly'

),

billed_lines as (

    select
        covered.invoice_no,
        covered.subscription_id,
        min(greatest(lines.service_from, covered.covered_from)) as billed_from,
        max(least(lines.service_to, covered.covered_to)) as billed_to
    from covered
    inner join {{ ref('int_ledger_invoice_lines_before_cycle') }} as lines
        on
            covered.subscription_id = lines.source_ref
            and covered.period_start <= lines.service_from
            and covered.period_end > lines.service_from
    where lines.line_type = 'recurring'
    group by covered.invoice_no, covered.subscription_id

),

backbilled as (

    select
        covered.invoice_no,
        covered.subscription_id,
        sum(lines.quantity) as days
    from covered
    inner join {{ ref('int_ledger_invoice_lines_before_cycle') }} as lines
        on 'BACKBILL:' || covered.invoice_no || ':' || covered.subscription_id = lines.source_ref
    where lines.line_type = 'correction'
    group by covered.invoice_no, covered.subscription_id

),

ranges as (

    select
        covered.*,
        billed_lines.billed_from,
        billed_lines.billed_to,
        coalesce(backbilled.days, 0) as backbilled_days
    from covered
    left join billed_lines
        on
            covered.invoice_no = billed_lines.invoice_no
            and covered.subscription_id = billed_lines.subscription_id
    left join backbilled
        on
            covered.invoice_no = backbilled.invoice_no
            and covered.subscription_id = backbilled.subscription_id

),

{# the suspended days of the covered days, and of the days the closed line billed #}
suspended as (

    select
        ranges.invoice_no,
        ranges.subscription_id,
        sum(greatest(
            {{ days_between(
                'greatest(ranges.covered_from, suspensions.from_date)',
                'least(ranges.covered_to, coalesce(suspensions.to_date, ranges.covered_to))'
            ) }},
            0
        )) as covered_days,
        sum(case
            when ranges.billed_from is null then 0
            else greatest(
                {{ days_between(
                    'greatest(ranges.billed_from, suspensions.from_date)',
                    'least(ranges.billed_to, coalesce(suspensions.to_date, ranges.billed_to))'
                ) }},
                0
            )
        end) as billed_days
    from ranges
    inner join {{ ref('stg_cms__suspensions') }} as suspensions
        on ranges.account_id = suspensions.account_id
    where ranges.product_type != 'equipment'
    group by ranges.invoice_no, ranges.subscription_id

),

owed as (

    select
        ranges.*,
        accounts.minor_scale,
        {{ days_between('ranges.period_start', 'ranges.period_end') }} as period_days,
        {{ days_between('ranges.covered_from', 'ranges.covered_to') }}
        - coalesce(suspended.covered_days, 0)
        - case
            when ranges.billed_from is null then 0
            else
                greatest({{ days_between('ranges.billed_from', 'ranges.billed_to') }}, 0)
                - coalesce(suspended.billed_days, 0)
        end
        - ranges.backbilled_days as days,
        case
            when
                ranges.contract_months > 0
                and ranges.contract_start_date <= ranges.covered_from
                and ranges.covered_from < {{ shift_date(
                    'month', 'ranges.contract_months', 'ranges.contract_start_date') }}
                then coalesce(ranges.contract_discount_pct, 0)
            else 0
        end as discount_pct
    from ranges
    inner join {{ ref('int_accounts_billed') }} as accounts
        on ranges.account_id = accounts.account_id
    left join suspended
        on
            ranges.invoice_no = suspended.invoice_no
            and ranges.subscription_id = suspended.subscription_id
    where ranges.covered_from < ranges.covered_to

)

select
    account_id,
    'correction' as line_type,
    9 as line_group,
    'B:' || invoice_no || ':' || subscription_id as line_key,
    product_code,
    '소급 청구: ' || name_ko || ' (' || invoice_no || ', 개시일 '
    || cast(start_date as {{ dbt.type_string() }}) || ')' as description_ko,
    'Billed late: ' || name_en || ' (' || invoice_no || ', start date '
    || cast(start_date as {{ dbt.type_string() }}) || ')' as description_en,
    cast(days as bigint) as quantity,
    cast(null as decimal(18, 2)) as unit_price,
    {{ div_round_half_up(
        to_minor('price', 'minor_scale') ~ ' * units * days * (100 - discount_pct)',
        '100 * period_days'
    ) }} as amount_minor,
    tax_category,
    covered_from as service_from,
    covered_to as service_to,
    'BACKBILL:' || invoice_no || ':' || subscription_id as source_ref
from owed
where days > 0

{#- Days that a monthly subscription's or a rented device's current dates cover in a
    closed period within the lookback (lookback_cycles), and that no closed line
    billed: a subscription entered after the period it started in was billed, a
    start moved earlier or an end later; a rental entered late, or a return moved
    later. They are billed on the next invoice as a correction naming the invoice of
    that period: the price in effect on the period's first day, pro rata by day, less
    the subscription's contract discount while its contract runs, rounded half up
    once. Suspended days bill nothing (equipment aside); the promotions of that
    period are not applied again. Each run bills only the days that earlier
    back-bills of the same period and subscription or device left. -#}
with periods as (

    select
        invoices.invoice_no,
        invoices.account_id,
        invoices.period_start,
        invoices.period_end
    from {{ ref('int_ledger_invoices_before_cycle') }} as invoices
    where invoices.cycle_date >= {{ cycle_months_before(var('lookback_cycles')) }}

),

held as (

    {#- what monthly lines bill, as the CMS shows it now, and what a back-bill of it
        is referred to by #}
    select
        'subscription' as covers,
        subscription_id as covered_ref,
        subscription_id as backbill_ref,
        account_id,
        product_code,
        quantity as units,
        start_date,
        end_date,
        contract_months,
        contract_start_date,
        contract_discount_pct
    from {{ ref('stg_cms__subscriptions') }}
    union all
    select
        'device' as covers,
        device_serial as covered_ref,
        'RENTAL:' || device_serial as backbill_ref,
        account_id,
        rental_product_code as product_code,
        1 as units,
        rented_from as start_date,
        returned_at as end_date,
        0 as contract_months,
        cast(null as date) as contract_start_date,
        cast(null as decimal(18, 2)) as contract_discount_pct
    from {{ ref('stg_cms__devices') }}
    where rental_product_code is not null

),

covered as (

    select
        periods.invoice_no,
        periods.period_start,
        periods.period_end,
        held.covers,
        held.covered_ref,
        held.backbill_ref,
        held.account_id,
        held.product_code,
        held.units,
        held.start_date,
        held.end_date,
        held.contract_months,
        held.contract_start_date,
        held.contract_discount_pct,
        products.price,
        products.product_type,
        products.name_ko,
        products.name_en,
        products.tax_category,
        greatest(periods.period_start, held.start_date) as covered_from,
        least(periods.period_end, coalesce(held.end_date, periods.period_end))
            as covered_to
    from periods
    inner join held
        on
            periods.account_id = held.account_id
            and periods.period_end > held.start_date
            and periods.period_start < coalesce(held.end_date, periods.period_end)
    inner join {{ ref('stg_cms__products') }} as products
        on
            held.product_code = products.product_code
            and periods.period_start >= products.valid_from
            and (products.valid_to is null or periods.period_start < products.valid_to)
    where products.charge_type = 'monthly'

),

billed_lines as (

    select
        covered.invoice_no,
        covered.backbill_ref,
        min(greatest(lines.service_from, covered.covered_from)) as billed_from,
        max(least(lines.service_to, covered.covered_to)) as billed_to
    from covered
    inner join {{ ref('int_ledger_invoice_lines_before_cycle') }} as lines
        on
            covered.covered_ref = lines.source_ref
            and covered.account_id = lines.account_id
            and covered.period_start <= lines.service_from
            and covered.period_end > lines.service_from
    where lines.line_type = 'recurring'
    group by covered.invoice_no, covered.backbill_ref

),

backbilled as (

    select
        covered.invoice_no,
        covered.backbill_ref,
        sum(lines.quantity) as days
    from covered
    inner join {{ ref('int_ledger_invoice_lines_before_cycle') }} as lines
        on 'BACKBILL:' || covered.invoice_no || ':' || covered.backbill_ref = lines.source_ref
    where
        lines.line_type = 'correction'
        {#- issued by bill runs after the invoice's own, within the lookback #}
        and lines.cycle_date >= {{ cycle_months_before(var('lookback_cycles')) }}
    group by covered.invoice_no, covered.backbill_ref

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
            and covered.backbill_ref = billed_lines.backbill_ref
    left join backbilled
        on
            covered.invoice_no = backbilled.invoice_no
            and covered.backbill_ref = backbilled.backbill_ref

),

{# the suspended days of the covered days, and of the days the closed line billed #}
suspended as (

    select
        ranges.invoice_no,
        ranges.backbill_ref,
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
    where ranges.covers = 'subscription' and ranges.product_type != 'equipment'
    group by ranges.invoice_no, ranges.backbill_ref

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
        end as discount_pct,
        {#- what the line names: the end when the days owed come after what was
            billed (an end moved later), else the start #}
        coalesce(ranges.covered_to > ranges.billed_to, false) as end_changed
    from ranges
    inner join {{ ref('int_accounts_billed') }} as accounts
        on ranges.account_id = accounts.account_id
    left join suspended
        on
            ranges.invoice_no = suspended.invoice_no
            and ranges.backbill_ref = suspended.backbill_ref
    where ranges.covered_from < ranges.covered_to

),

labelled as (

    select
        owed.*,
        cast(case
            when owed.end_changed then owed.end_date else owed.start_date
        end as {{ dbt.type_string() }}) as changed_date
    from owed
    where owed.days > 0

)

select
    account_id,
    'correction' as line_type,
    9 as line_group,
    'B:' || invoice_no || ':' || backbill_ref as line_key,
    product_code,
    '소급 청구: ' || name_ko || ' (' || invoice_no || ', ' || {{ rerated_date_label('ko') }}
    || coalesce(changed_date, '없음') || ')' as description_ko,
    'Billed late: ' || name_en || ' (' || invoice_no || ', ' || {{ rerated_date_label('en') }}
    || coalesce(changed_date, 'none') || ')' as description_en,
    cast(days as bigint) as quantity,
    cast(null as decimal(18, 2)) as unit_price,
    {{ div_round_half_up(
        to_minor('price', 'minor_scale') ~ ' * units * days * (100 - discount_pct)',
        '100 * period_days'
    ) }} as amount_minor,
    tax_category,
    covered_from as service_from,
    covered_to as service_to,
    'BACKBILL:' || invoice_no || ':' || backbill_ref as source_ref
from labelled

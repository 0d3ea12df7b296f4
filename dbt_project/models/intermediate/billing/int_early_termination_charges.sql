{#- 할인반환금: a subscription that ends before its contract's end bills the
    contract discounts granted so far x remaining contract days / contract days,
    rounded down, unless its termination reason is exempt. The discounts granted are
    those before the account's first period on the platform (`discount_granted_before`
    from the CMS, else computed from the contract's terms), those on closed invoices
    and this period's. A termination entered late (an
    end date in a period already closed) bills on the next invoice: every ended
    contract since the platform's first period whose charge no closed invoice holds. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

platform_start as (

    select min(periods.period_start) as period_start
    from (
        select period_start from bill_cycle
        union all
        select period_start from {{ ref('int_ledger_invoices_before_cycle') }}
    ) as periods

),

charged_before as (

    select distinct
        source_ref as subscription_id,
        service_from as end_date
    from {{ ref('int_ledger_invoice_lines_before_cycle') }}
    where line_type = 'one_time'

),

ended as (

    select
        subscriptions.*,
        {{ shift_date(
            'month', 'subscriptions.contract_months', 'subscriptions.contract_start_date'
        ) }} as contract_end_date
    from {{ ref('stg_cms__subscriptions') }} as subscriptions
    inner join {{ ref('int_accounts_billed') }} as billed
        on subscriptions.account_id = billed.account_id
    cross join bill_cycle
    cross join platform_start
    left join charged_before
        on
            subscriptions.subscription_id = charged_before.subscription_id
            and subscriptions.end_date = charged_before.end_date
    where
        subscriptions.contract_months > 0
        and subscriptions.end_date > platform_start.period_start
        and subscriptions.end_date <= bill_cycle.period_end
        and charged_before.subscription_id is null
        and coalesce(subscriptions.termination_reason, '') not in (
            {%- for reason in var('etc_exempt_reasons') %}
                '{{ reason }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        )

),

granted_before as (

    select
        {{ dbt.split_part('source_ref', "':'", 2) }} as subscription_id,
        sum(-amount) as granted_amount
    from {{ ref('int_ledger_invoice_lines_before_cycle') }}
    where line_type = 'discount' and source_ref like 'CONTRACT:%'
    group by 1

),

{# Without `discount_granted_before`, what the previous system granted is computed
   from the contract's terms: for each of the account's monthly periods before its
   first on the platform (at most 36), the contract discount on the price then in
   effect, for the days of the period inside the contract and the subscription,
   rounded half up per period as the platform rounds its own. #}
account_start as (

    select
        billed.account_id,
        coalesce(min(invoices.period_start), min(bill_cycle.period_start)) as period_start
    from {{ ref('int_accounts_billed') }} as billed
    cross join bill_cycle
    left join {{ ref('int_ledger_invoices_before_cycle') }} as invoices
        on billed.account_id = invoices.account_id
    group by 1

),

pre_platform_periods as (

    select
        ended.subscription_id,
        ended.product_code,
        ended.quantity,
        ended.contract_discount_pct,
        periods.period_start,
        periods.period_end,
        {{ days_between('periods.period_start', 'periods.period_end') }} as period_days,
        {{ days_between(
            'greatest(periods.period_start, ended.contract_start_date, ended.start_date)',
            'least(periods.period_end, ended.end_date, ended.contract_end_date)'
        ) }} as contract_days_in_period
    from ended
    inner join (
        select
            account_start.account_id,
            {{ shift_date('month', '-parts.generated_number', 'account_start.period_start') }}
                as period_start,
            {{ shift_date('month', '1 - parts.generated_number', 'account_start.period_start') }}
                as period_end
        from account_start
        cross join ({{ dbt.generate_series(36) }}) as parts
    ) as periods
        on ended.account_id = periods.account_id
    where
        ended.discount_granted_before is null
        and periods.period_end > greatest(ended.contract_start_date, ended.start_date)
        and periods.period_start < least(ended.end_date, ended.contract_end_date)

),

granted_pre_platform as (

    select
        periods.subscription_id,
        sum({{ div_round_half_up(
            to_minor('products.price', 'billed.minor_scale')
            ~ ' * periods.quantity * cast(periods.contract_discount_pct * 100 as bigint)'
            ~ ' * periods.contract_days_in_period',
            '10000 * periods.period_days'
        ) }}) as granted_minor
    from pre_platform_periods as periods
    inner join {{ ref('stg_cms__products') }} as products
        on
            periods.product_code = products.product_code
            and periods.period_start >= products.valid_from
            and (products.valid_to is null or periods.period_start < products.valid_to)
    inner join ended
        on periods.subscription_id = ended.subscription_id
    inner join {{ ref('int_accounts_billed') }} as billed
        on ended.account_id = billed.account_id
    where periods.contract_days_in_period > 0
    group by 1

),

granted_now as (

    select
        subscription_id,
        sum(discount_minor) as granted_minor
    from {{ ref('int_discount_lines_capped') }}
    where discount_key = 'CONTRACT'
    group by 1

),

owed as (

    select
        ended.account_id,
        ended.subscription_id,
        ended.product_code,
        ended.end_date,
        ended.contract_end_date,
        {{ days_between('ended.end_date', 'ended.contract_end_date') }} as remaining_days,
        {{ days_between('ended.contract_start_date', 'ended.contract_end_date') }} as contract_days,
        coalesce(
            {{ to_minor('ended.discount_granted_before', 'billed.minor_scale') }},
            granted_pre_platform.granted_minor,
            0
        )
        + coalesce({{ to_minor('granted_before.granted_amount', 'billed.minor_scale') }}, 0)
        + coalesce(granted_now.granted_minor, 0) as granted_minor
    from ended
    inner join {{ ref('int_accounts_billed') }} as billed
        on ended.account_id = billed.account_id
    left join granted_before
        on ended.subscription_id = granted_before.subscription_id
    left join granted_now
        on ended.subscription_id = granted_now.subscription_id
    left join granted_pre_platform
        on ended.subscription_id = granted_pre_platform.subscription_id
    where ended.end_date < ended.contract_end_date

)

select
    owed.account_id,
    'one_time' as line_type,
    5 as line_group,
    'E:' || owed.subscription_id as line_key,
    owed.subscription_id,
    owed.product_code,
    products.tax_category,
    '할인반환금 (' || products.name_ko || ')' as description_ko,
    'Early termination charge (' || products.name_en || ')' as description_en,
    cast(null as bigint) as quantity,
    cast(null as decimal(18, 2)) as unit_price,
    owed.remaining_days,
    owed.contract_days,
    owed.granted_minor,
    {{ div_floor('owed.granted_minor * owed.remaining_days', 'owed.contract_days') }}
        as amount_minor,
    owed.end_date as service_from,
    owed.contract_end_date as service_to,
    owed.subscription_id as source_ref
from owed
inner join {{ ref('int_products_at_period_start') }} as products
    on owed.product_code = products.product_code
where owed.granted_minor > 0

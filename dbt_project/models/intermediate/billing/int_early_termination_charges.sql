{#- 할인반환금: a subscription that ends before its contract's end bills the
    contract discounts granted so far x remaining contract days / contract days,
    rounded down, unless its termination reason is exempt. The discounts granted are
    those before the platform's first bill run (`discount_granted_before`, from the
    CMS), those on closed invoices and this period's. A termination entered late (an
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
        coalesce({{ to_minor('ended.discount_granted_before', 'billed.minor_scale') }}, 0)
        + coalesce({{ to_minor('granted_before.granted_amount', 'billed.minor_scale') }}, 0)
        + coalesce(granted_now.granted_minor, 0) as granted_minor
    from ended
    inner join {{ ref('int_accounts_billed') }} as billed
        on ended.account_id = billed.account_id
    left join granted_before
        on ended.subscription_id = granted_before.subscription_id
    left join granted_now
        on ended.subscription_id = granted_now.subscription_id
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

{#- Outage credit: when an account (directly or through its region) had outages
    totalling at least outage_credit_total_days in the period, or one lasting at
    least outage_credit_single_days, each monthly service line (not equipment) is
    credited in full: the credit is what the line nets after its discounts. -#}
with bill_cycle as (

    select
        *,
        {{ local_midnight('period_start') }} as period_start_at,
        {{ local_midnight('period_end') }} as period_end_at
    from {{ ref('int_bill_cycle') }}

),

outages as (

    select
        accounts.account_id,
        outages.outage_id,
        {{ dbt.datediff(
            'greatest(outages.started_at, bill_cycle.period_start_at)',
            'least(outages.ended_at, bill_cycle.period_end_at)',
            'second') }} as seconds_in_period
    from {{ ref('stg_headend__outages') }} as outages
    cross join bill_cycle
    inner join {{ ref('stg_cms__accounts') }} as accounts
        on
            outages.account_id = accounts.account_id
            or (outages.account_id is null and outages.region_code = accounts.region_code)
    where
        outages.started_at < bill_cycle.period_end_at
        and outages.ended_at > bill_cycle.period_start_at

),

qualifying as (

    select account_id
    from outages
    group by account_id
    having
        sum(seconds_in_period) >= {{ var('outage_credit_total_days') }} * 86400
        or max(seconds_in_period) >= {{ var('outage_credit_single_days') }} * 86400

),

discounts as (

    select
        line_key,
        sum(discount_minor) as discount_minor
    from {{ ref('int_discount_lines_capped') }}
    group by line_key

)

select
    lines.account_id,
    lines.line_key,
    lines.tax_category,
    lines.amount_minor - coalesce(discounts.discount_minor, 0) as credit_minor
from {{ ref('int_charge_lines_base') }} as lines
inner join qualifying
    on lines.account_id = qualifying.account_id
left join discounts
    on lines.line_key = discounts.line_key
where
    lines.line_group = 1
    and lines.product_type <> 'equipment'
    and lines.amount_minor - coalesce(discounts.discount_minor, 0) > 0

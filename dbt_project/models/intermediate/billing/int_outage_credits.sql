{#- Outage credit: a monthly service line (not equipment) whose account, directly or
    through its region, had outages totalling at least outage_credit_total_days in
    the period, or one lasting at least outage_credit_single_days, is credited in
    full: the credit is what the line nets after its discounts. Only the outage
    time while the line's subscription was active counts (from its first active day
    to the end of its last, in the period). -#}
with bill_cycle as (

    select
        *,
        {{ local_midnight('period_start') }} as period_start_at,
        {{ local_midnight('period_end') }} as period_end_at
    from {{ ref('int_bill_cycle') }}

),

lines as (

    select
        lines.account_id,
        lines.line_key,
        lines.tax_category,
        lines.amount_minor,
        greatest({{ local_midnight('lines.service_from') }}, bill_cycle.period_start_at)
            as active_from,
        least({{ local_midnight('lines.service_to') }}, bill_cycle.period_end_at) as active_to
    from {{ ref('int_charge_lines_base') }} as lines
    cross join bill_cycle
    where
        lines.line_group = 1
        and lines.product_type <> 'equipment'

),

{# each line with the outages of its account: its own, and its region's (an outage
    naming no account); two joins on equality, not one on `or`, which compares every
    line with every outage ever recorded #}
line_accounts as (

    select
        lines.line_key,
        lines.active_from,
        lines.active_to,
        accounts.account_id,
        accounts.region_code
    from lines
    inner join {{ ref('stg_cms__accounts') }} as accounts
        on lines.account_id = accounts.account_id

),

line_outages as (

    select
        lines.line_key,
        lines.active_from,
        lines.active_to,
        outages.outage_id,
        outages.started_at,
        outages.ended_at
    from line_accounts as lines
    inner join {{ ref('stg_headend__outages') }} as outages
        on lines.account_id = outages.account_id
    union all
    select
        lines.line_key,
        lines.active_from,
        lines.active_to,
        outages.outage_id,
        outages.started_at,
        outages.ended_at
    from line_accounts as lines
    inner join {{ ref('stg_headend__outages') }} as outages
        on lines.region_code = outages.region_code
    where outages.account_id is null

),

outages as (

    select
        line_key,
        outage_id,
        {{ dbt.datediff(
            'greatest(started_at, active_from)',
            'least(ended_at, active_to)',
            'second') }} as seconds_active
    from line_outages
    where
        started_at < active_to
        and ended_at > active_from

),

qualifying as (

    select line_key
    from outages
    group by line_key
    having
        sum(seconds_active) >= {{ var('outage_credit_total_days') }} * 86400
        or max(seconds_active) >= {{ var('outage_credit_single_days') }} * 86400

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
from lines
inner join qualifying
    on lines.line_key = qualifying.line_key
left join discounts
    on lines.line_key = discounts.line_key
where lines.amount_minor - coalesce(discounts.discount_minor, 0) > 0

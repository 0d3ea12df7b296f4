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

{# an outage reaches the lines of its account, or, naming no account, those of its
    region: each line is listed under both and joined on equality, not on `or`, which
    compares every line with every outage ever recorded #}
scopes as (

    select 'account' as scope
    union all
    select 'region' as scope

),

line_scopes as (

    select
        lines.line_key,
        lines.active_from,
        lines.active_to,
        scopes.scope,
        case scopes.scope when 'account' then accounts.account_id else accounts.region_code end
            as scope_key
    from lines
    inner join {{ ref('stg_cms__accounts') }} as accounts
        on lines.account_id = accounts.account_id
    cross join scopes

),

outages as (

    select
        lines.line_key,
        outages.outage_id,
        {{ dbt.datediff(
            'greatest(outages.started_at, lines.active_from)',
            'least(outages.ended_at, lines.active_to)',
            'second') }} as seconds_active
    from line_scopes as lines
    inner join {{ ref('stg_headend__outages') }} as outages
        on
            lines.scope = case when outages.account_id is null then 'region' else 'account' end
            and lines.scope_key = coalesce(outages.account_id, outages.region_code)
    where
        outages.started_at < lines.active_to
        and outages.ended_at > lines.active_from

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

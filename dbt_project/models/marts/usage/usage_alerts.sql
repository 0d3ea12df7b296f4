{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'period_start'],
    )
}}

{#- One alert per account and period whose usage charges pass the threshold,
    raised at the purchase that crossed it (or the period's end, when only the data
    overage takes it over). Built again, an alert keeps its key: it is never sent
    twice. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

usage as (

    select
        lines.account_id,
        lines.amount_minor,
        coalesce(events.event_ts, {{ local_midnight('bill_cycle.period_end') }}) as charged_at,
        lines.line_key
    from {{ ref('int_usage_lines_rated') }} as lines
    cross join bill_cycle
    left join {{ ref('int_usage_events_unbilled') }} as events
        on lines.line_key = 'U:' || events.event_id
    where lines.service_from >= bill_cycle.period_start

),

running as (

    select
        usage.*,
        sum(usage.amount_minor) over (
            partition by usage.account_id order by usage.charged_at, usage.line_key
            rows between unbounded preceding and current row
        ) as running_minor
    from usage

),

crossed as (

    select
        running.account_id,
        min(running.charged_at) as raised_at
    from running
    inner join {{ ref('int_accounts_billed') }} as billed
        on running.account_id = billed.account_id
    where
        running.running_minor >= {{ to_minor(var('usage_alert_threshold'), 'billed.minor_scale') }}
    group by running.account_id

),

totals as (

    select
        account_id,
        sum(amount_minor) as usage_minor
    from usage
    group by account_id

)

select
    crossed.account_id,
    bill_cycle.period_start,
    cast({{ var('usage_alert_threshold') }} as decimal(18, 2)) as threshold,
    {{ from_minor('totals.usage_minor', 'billed.minor_factor') }} as usage_charges,
    crossed.raised_at
from crossed
inner join totals
    on crossed.account_id = totals.account_id
inner join {{ ref('int_accounts_billed') }} as billed
    on crossed.account_id = billed.account_id
cross join bill_cycle

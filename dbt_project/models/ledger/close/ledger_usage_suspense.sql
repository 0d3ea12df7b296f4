{#- The data usage records of unknown accounts the cycle's usage_suspense held, each
    recorded once (the first close that saw it): usage_suspense keeps showing them
    after they leave the bill runs' window (the period and the lookback), so that
    none drops out unseen. VOD and PPV purchases are read whole every run. -#}
with due as (

    select
        suspense.event_id as record_id,
        suspense.account_id,
        suspense.event_date as usage_date,
        {{ bill_cycle_date() }} as cycle_date
    from {{ ref('usage_suspense') }} as suspense
    where suspense.entity = 'data_usage' and suspense.held_since is null

)

select
    due.record_id,
    due.account_id,
    due.usage_date,
    due.cycle_date
from due
{{ closing_once(source('ledger', 'usage_suspense'), ['record_id', 'usage_date']) }}

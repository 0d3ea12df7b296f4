{#- The dunning stages the day's collections run reached, recorded once: a stage
    already recorded for the episode (the oldest unpaid due date) is not sent
    again, and a skipped day's stages are recorded by the next run. -#}
select
    due.account_id,
    due.as_of,
    due.stage,
    due.stage_order,
    due.oldest_due_date,
    due.stage_date,
    due.overdue_amount,
    due.action
from {{ ref('dunning_actions_due') }} as due
{{ not_recorded(['account_id', 'oldest_due_date', 'stage']) }}

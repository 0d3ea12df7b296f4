-- depends_on: {{ ref('ledger_dunning_actions') }}
select
    account_id,
    as_of,
    stage,
    oldest_due_date,
    overdue_amount,
    action,
    stage_order
from {{ source('ledger', 'dunning_actions') }}

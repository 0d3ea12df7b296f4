-- depends_on: {{ ref('ledger_headend_commands') }}
select
    command_id,
    account_id,
    product_code,
    action,
    effective_at,
    reason,
    sent_on
from {{ source('ledger', 'headend_commands') }}

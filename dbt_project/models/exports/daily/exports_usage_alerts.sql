-- depends_on: {{ ref('ledger_usage_alerts') }}
select
    account_id,
    period_start,
    threshold,
    usage_charges,
    raised_at,
    sent_on
from {{ source('ledger', 'usage_alerts') }}

-- depends_on: {{ ref('ledger_payment_retries') }}
select
    retry_id,
    account_id,
    invoice_no,
    amount,
    method,
    retry_on,
    attempt,
    sent_on
from {{ source('ledger', 'payment_retries') }}

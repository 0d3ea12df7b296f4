-- depends_on: {{ ref('ledger_write_offs') }}
select
    account_id,
    written_off_on,
    oldest_invoice_no,
    amount,
    currency,
    cycle_date
from {{ source('ledger', 'write_offs') }}

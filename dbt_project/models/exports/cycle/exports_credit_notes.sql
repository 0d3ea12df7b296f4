select
    credit_note_no,
    invoice_no,
    account_id,
    issue_date,
    line_no,
    reason_code,
    supply_amount,
    vat_amount,
    total,
    cycle_date
from {{ source('ledger', 'credit_notes') }}

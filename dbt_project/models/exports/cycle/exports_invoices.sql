select
    invoice_no,
    account_id,
    cycle_date,
    period_start,
    period_end,
    issue_date,
    due_date,
    currency,
    supply_amount,
    vat_amount,
    rounding_amount,
    current_charges,
    previous_balance,
    payments_and_credits,
    amount_due,
    status
from {{ source('ledger', 'invoices') }}

select
    payment_ref,
    account_id,
    invoice_no,
    amount_applied,
    applied_on,
    cycle_date
from {{ ref('payments_applied') }}

{#- Every payment the cycle took in, with the ledger number of the invoice that
    counted it; none when the account got no invoice (its next invoice counts it). -#}
select
    numbered.invoice_no,
    due.account_id,
    due.cycle_date,
    due.payment_ref,
    due.amount,
    due.method,
    due.received_on
from {{ ref('invoice_payments') }} as due
{{ ledger_invoice_number('due.invoice_no', 'left') }}
{{ closing_once(source('ledger', 'invoice_payments')) }}

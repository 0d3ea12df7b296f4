{#- The days each monthly subscription and rental line of the cycle's invoices
    billed, under the invoice's ledger number: re-rating compares them with what
    the CMS shows later (a suspension added or moved after the close). -#}
select
    numbered.invoice_no,
    due.line_no,
    due.account_id,
    due.cycle_date,
    due.billed_days
from {{ ref('invoice_line_days') }} as due
{{ ledger_invoice_number('due.invoice_no', 'inner') }}
{{ closing_once(source('ledger', 'invoice_line_days')) }}

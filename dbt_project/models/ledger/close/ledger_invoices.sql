{#- The cycle's gated draft invoices, finalised, under their numbers. -#}
select
    numbered.invoice_no,
    due.account_id,
    due.cycle_date,
    due.period_start,
    due.period_end,
    due.issue_date,
    due.due_date,
    due.currency,
    due.supply_amount,
    due.vat_amount,
    due.rounding_amount,
    due.current_charges,
    due.previous_balance,
    due.payments_and_credits,
    due.amount_due,
    'finalised' as status
from {{ ref('invoices') }} as due
{{ ledger_invoice_number('due.invoice_no') }}
{{ closing_once(source('ledger', 'invoices')) }}

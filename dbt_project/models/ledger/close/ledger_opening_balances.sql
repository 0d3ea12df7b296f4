{#- The opening balances the cycle took in from the previous billing system, each
    account's once, with the ledger number of the invoice that shows it (none when
    the account got no invoice). -#}
select
    numbered.invoice_no,
    due.account_id,
    due.cycle_date,
    due.amount,
    due.currency,
    due.as_of,
    due.due_date,
    due.legacy_ref
from {{ ref('opening_balances') }} as due
{{ ledger_invoice_number('due.invoice_no', 'left') }}
{{ closing_once(source('ledger', 'opening_balances'), ['account_id']) }}

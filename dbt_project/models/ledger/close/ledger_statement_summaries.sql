{#- What each of the cycle's statements shows besides its lines, under the invoice's
    ledger number. -#}
select
    numbered.invoice_no,
    due.account_id,
    due.cycle_date,
    due.data_used_bytes,
    due.data_allowance_gb,
    due.overdue_amount,
    due.overdue_since
from {{ ref('statement_summaries') }} as due
{{ ledger_invoice_number('due.invoice_no', 'inner') }}
{{ closing_once(source('ledger', 'statement_summaries')) }}

{#- The days each monthly subscription and rental line of the cycle's invoices
    billed, under the invoice's ledger number: re-rating compares them with what
    the CMS shows later (a suspension added or moved after the close). Read from
    the drafts of the cycle being closed, as the lines are. -#}
with due as (

    select
        bill_cycle.cycle_date,
        lines.account_id,
        cast(lines.line_no as integer) as line_no,
        lines.billed_days
    from {{ ref('int_invoice_lines_assembled') }} as lines
    cross join {{ ref('int_bill_cycle') }} as bill_cycle
    where lines.billed_days is not null

)

select
    numbered.invoice_no,
    due.line_no,
    due.account_id,
    due.cycle_date,
    due.billed_days
from due
{{ ledger_invoice_number(draft_invoice_no('due.cycle_date', 'due.account_id'), 'inner') }}
{{ closing_once(source('ledger', 'invoice_line_days')) }}

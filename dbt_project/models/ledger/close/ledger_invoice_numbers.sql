{#- The close, first: the number each of the cycle's gated draft invoices is issued
    under, INV-YYYY-nnnnnnnn, gapless per issue year, in account order after the
    last number of its year; given once, so that a close finished by a later run
    issues the same numbers. The other close models take them from here. -#}
-- depends_on: {{ ref('write_offs') }}
{{ require_drafts_show_write_offs() }}
with due as (

    select
        invoice_no,
        account_id,
        cycle_date,
        issue_date
    from {{ ref('invoices') }}
    where cycle_date = {{ bill_cycle_date() }}

),

used as (

    {{ last_in_series(
        [source('ledger', 'invoices'), source('ledger', 'invoice_numbers')], 'invoice_no'
    ) }}

)

select
    due.cycle_date,
    due.account_id,
    due.invoice_no as draft_invoice_no,
    {{ series_number('INV', 'due.issue_date', 'used.last_used', 'due.account_id') }} as invoice_no,
    due.issue_date
from due
left join used on year(due.issue_date) = used.series_year
{{ closing_once(source('ledger', 'invoice_numbers')) }}

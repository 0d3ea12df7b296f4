{#- The cycle's credit notes, numbered CN-YYYY-nnnnnnnn, gapless per issue year, in
    account and invoice order after the last number of their year; one row per line. -#}
with due as (

    select * from {{ ref('credit_notes') }}
    where cycle_date = {{ bill_cycle_date() }}

),

drafts as (

    select distinct
        credit_note_no,
        account_id,
        invoice_no,
        issue_date
    from due

),

used as (

    {{ last_in_series([source('ledger', 'credit_notes')], 'credit_note_no') }}

),

numbered as (

    select
        drafts.credit_note_no as draft_no,
        {{ series_number('CN', 'drafts.issue_date', 'used.last_used',
            'drafts.account_id, drafts.invoice_no') }} as credit_note_no
    from drafts
    left join used on year(drafts.issue_date) = used.series_year

)

select
    numbered.credit_note_no,
    due.invoice_no,
    due.account_id,
    due.cycle_date,
    due.issue_date,
    due.line_no,
    due.reason_code,
    due.supply_amount,
    due.vat_amount,
    due.total,
    due.currency,
    due.source_ref
from due
inner join numbered on due.credit_note_no = numbered.draft_no
{{ closing_once(source('ledger', 'credit_notes')) }}

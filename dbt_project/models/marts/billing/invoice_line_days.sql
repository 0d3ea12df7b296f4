{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **cycle_drafts_config()
    )
}}

{#- The days each monthly subscription and rental line of the cycle's drafts bills:
    the close records them (ledger.invoice_line_days) for re-rating to compare with
    what the CMS shows later. -#}
select
    {{ draft_invoice_no('bill_cycle.cycle_date', 'lines.account_id') }} as invoice_no,
    cast(lines.line_no as integer) as line_no,
    lines.account_id,
    bill_cycle.cycle_date,
    lines.billed_days
from {{ ref('int_invoice_lines_assembled') }} as lines
cross join {{ ref('int_bill_cycle') }} as bill_cycle
where lines.billed_days is not null

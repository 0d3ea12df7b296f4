{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **cycle_drafts_config()
    )
}}

{#- Credit notes of the cycle (export `credit_notes`): one per corrected invoice,
    one row per line, amounts positive (what is credited). Drafts carry a draft
    number; finalisation assigns the CN-YYYY-nnnnnnnn series. -#}
select
    'DRAFT-CN-' || replace(cast(bill_cycle.cycle_date as {{ dbt.type_string() }}), '-', '')
    || '-' || lines.invoice_no as credit_note_no,
    lines.invoice_no,
    lines.account_id,
    bill_cycle.cycle_date,
    bill_cycle.issue_date,
    cast(lines.line_no as integer) as line_no,
    lines.reason_code,
    {{ from_minor('lines.supply_minor', 'lines.minor_factor') }} as supply_amount,
    {{ from_minor('lines.vat_minor', 'lines.minor_factor') }} as vat_amount,
    {{ from_minor('lines.supply_minor + lines.vat_minor', 'lines.minor_factor') }} as total,
    lines.currency,
    lines.source_ref
from {{ ref('int_credit_note_lines') }} as lines
cross join {{ ref('int_bill_cycle') }} as bill_cycle

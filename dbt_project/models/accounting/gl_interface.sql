{#- A view of the journal: the export reads one cycle's rows of it. -#}
{{ config(materialized='view') }}

{#- The journal in Oracle E-Business Suite / Fusion GL_INTERFACE layout (export
    `gl_interface`): one row per journal line, status NEW, actual balances, the
    company segment and the natural account in SEGMENT1-2, amounts entered and, in
    the ledger currency, accounted. One journal import group per bill run
    (GROUP_ID = the cycle as YYYYMMDD); REFERENCE21-22 carry the journal id and line
    so that an import is traceable and a duplicate detectable. -#}
select
    'NEW' as status,
    {{ var('erp_ledger_id') }} as ledger_id,
    journal.posting_date as accounting_date,
    journal.currency as currency_code,
    journal.posting_date as date_created,
    -1 as created_by,
    'A' as actual_flag,
    case journal.source_type
        when 'invoice' then 'Sales Invoices'
        when 'recognition' then 'Revenue Recognition'
        when 'payment' then 'Receipts'
        when 'refund' then 'Refunds'
        when 'unmatched_payment' then 'Receipts'
        when 'credit_note' then 'Credit Memos'
        when 'write_off' then 'Write-off'
        else 'Adjustment'
    end as user_je_category_name,
    'cablebill' as user_je_source_name,
    '{{ var("erp_company_segment") }}' as segment1,
    journal.gl_account as segment2,
    journal.debit as entered_dr,
    journal.credit as entered_cr,
    case when journal.currency = '{{ var("ledger_currency") }}' then journal.debit end
        as accounted_dr,
    case when journal.currency = '{{ var("ledger_currency") }}' then journal.credit end
        as accounted_cr,
    'cablebill ' || cast(journal.cycle_date as {{ dbt.type_string() }}) as reference1,
    journal.journal_id as reference4,
    journal.memo as reference10,
    journal.journal_id as reference21,
    cast(journal.line_no as {{ dbt.type_string() }}) as reference22,
    journal.account_id as reference23,
    cast(
        extract(year from journal.cycle_date) * 10000
        + extract(month from journal.cycle_date) * 100
        + extract(day from journal.cycle_date) as bigint
    ) as group_id,
    journal.fiscal_period as period_name,
    journal.cycle_date,
    journal.line_no
from {{ ref('journal_entries') }} as journal

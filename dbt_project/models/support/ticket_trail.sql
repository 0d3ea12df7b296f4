{#- From a support ticket to what it caused: each adjustment the CRM approved on a
    ticket, the invoice line or credit note line it became once a bill run closed
    (source_ref ADJ:<adjustment id>), and the journal that posted that document
    (INV:<invoice> or CN:<credit note>). An adjustment no close has billed yet has
    no document. -#}
with adjustments as (

    select
        adjustment_id,
        ticket_id,
        account_id,
        approved_date,
        kind,
        amount,
        reason_code,
        'ADJ:' || adjustment_id as source_ref
    from {{ ref('stg_crm__adjustments') }}

),

documents as (

    select
        lines.source_ref,
        'invoice' as document_type,
        lines.invoice_no as document_no,
        lines.line_no,
        invoices.issue_date,
        'INV:' || lines.invoice_no as journal_id
    from {{ source('ledger', 'invoice_lines') }} as lines
    inner join {{ source('ledger', 'invoices') }} as invoices
        on lines.invoice_no = invoices.invoice_no
    where lines.source_ref like 'ADJ:%'
    union all
    select
        source_ref,
        'credit_note' as document_type,
        credit_note_no as document_no,
        line_no,
        issue_date,
        'CN:' || credit_note_no as journal_id
    from {{ source('ledger', 'credit_notes') }}
    where source_ref like 'ADJ:%'

)

select
    adjustments.ticket_id,
    adjustments.adjustment_id,
    adjustments.account_id,
    adjustments.approved_date,
    adjustments.kind,
    adjustments.amount,
    adjustments.reason_code,
    documents.document_type,
    documents.document_no,
    documents.line_no,
    documents.issue_date,
    documents.journal_id
from adjustments
left join documents
    on adjustments.source_ref = documents.source_ref

{#- The ledger gate's rows (expectations/ledger.py), one per numbered invoice and
    credit note of the whole ledger: the gap in its yearly series (INV-YYYY,
    CN-YYYY) and, for an invoice, how far it is from the sum of its lines, from its
    supply + VAT + rounding and from its amount-due arithmetic, in integer minor
    units. All must be zero; built with the close, checked after every close. -#}
{{ config(tags=['close']) }}
{#- after the close models that write what it reads: on Spark it is a table, made
    when it is built -#}
-- depends_on: {{ ref('ledger_invoices') }}
-- depends_on: {{ ref('ledger_invoice_lines') }}
-- depends_on: {{ ref('ledger_credit_notes') }}

with documents as (
    select invoice_no as document_no from {{ source('ledger', 'invoices') }}
    union all
    select distinct credit_note_no from {{ source('ledger', 'credit_notes') }}
),

numbered as (
    select
        document_no,
        cast(split_part(document_no, '-', 3) as bigint) - row_number() over (
            partition by split_part(document_no, '-', 1), split_part(document_no, '-', 2)
            order by document_no
        ) as numbering_gap
    from documents
),

line_totals as (
    select
        invoice_no,
        sum(amount) as lines_total
    from {{ source('ledger', 'invoice_lines') }}
    group by invoice_no
)

select
    numbered.document_no,
    numbered.numbering_gap,
    coalesce(
        cast((i.current_charges - coalesce(t.lines_total, 0)) * c.minor_scale as bigint), 0
    ) as lines_gap,
    coalesce(
        cast(
            (i.supply_amount + i.vat_amount + i.rounding_amount - i.current_charges)
            * c.minor_scale as bigint
        ),
        0
    ) as components_gap,
    coalesce(
        cast(
            (i.previous_balance - i.payments_and_credits + i.current_charges - i.amount_due)
            * c.minor_scale as bigint
        ),
        0
    ) as amount_due_gap
from numbered
left join {{ source('ledger', 'invoices') }} as i on numbered.document_no = i.invoice_no
left join {{ ref('currencies') }} as c on i.currency = c.currency
left join line_totals as t on i.invoice_no = t.invoice_no

{#- The lines of the cycle's invoices, under their ledger numbers. -#}
select
    numbered.invoice_no,
    due.line_no,
    due.line_type,
    due.product_code,
    due.description_ko,
    due.description_en,
    due.quantity,
    due.unit_price,
    due.amount,
    due.service_from,
    due.service_to,
    due.source_ref,
    due.discounts_line_no,
    due.account_id,
    due.cycle_date,
    due.currency,
    due.tax_category
from {{ ref('invoice_lines') }} as due
{{ ledger_invoice_number('due.invoice_no', 'inner') }}
{{ closing_once(source('ledger', 'invoice_lines')) }}

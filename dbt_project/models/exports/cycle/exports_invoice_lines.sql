select
    invoice_no,
    line_no,
    line_type,
    product_code,
    description_ko,
    description_en,
    quantity,
    unit_price,
    amount,
    service_from,
    service_to,
    source_ref,
    discounts_line_no,
    cycle_date
from {{ source('ledger', 'invoice_lines') }}

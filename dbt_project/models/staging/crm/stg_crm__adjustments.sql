with source as (

    {{ deduplicated('crm', 'adjustments', 'adjustment_id') }}

)

select
    adjustment_id,
    account_id,
    invoice_no,
    kind,
    amount,
    taxable,
    reason_code,
    ticket_id,
    approved_at,
    {{ local_date('approved_at') }} as approved_date,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

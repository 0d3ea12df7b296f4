with source as (

    {{ deduplicated('payments', 'autodebit_results', 'request_id') }}

)

select
    request_id,
    account_id,
    invoice_no,
    amount,
    result,
    result_code,
    bank_code,
    processed_on,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

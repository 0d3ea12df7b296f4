with source as (

    {{ deduplicated('payments', 'card_settlements', 'txn_id') }}

)

select
    txn_id,
    account_id,
    invoice_no,
    amount,
    currency,
    status,
    decline_code,
    method,
    provider,
    card_last4,
    processed_at,
    {{ local_date('processed_at') }} as processed_date,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

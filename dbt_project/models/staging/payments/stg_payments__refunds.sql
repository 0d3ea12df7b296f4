with source as (

    {{ deduplicated('payments', 'refunds', 'refund_id') }}

)

select
    refund_id,
    account_id,
    amount,
    kind,
    original_txn_id,
    processed_at,
    {{ local_date('processed_at') }} as processed_date,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

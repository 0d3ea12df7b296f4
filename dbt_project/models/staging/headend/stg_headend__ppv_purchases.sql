with source as (

    {{ deduplicated('headend', 'ppv_purchases', 'event_id') }}

)

select
    event_id,
    account_id,
    device_serial,
    event_code,
    event_name,
    list_price,
    event_ts,
    {{ local_date('event_ts') }} as event_date,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

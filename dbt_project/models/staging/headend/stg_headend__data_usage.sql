with source as (

    {{ deduplicated('headend', 'data_usage', 'record_id') }}

)

select
    record_id,
    account_id,
    usage_start,
    {{ local_date('usage_start') }} as usage_date,
    usage_end,
    bytes_down,
    bytes_up,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

with source as (

    {{ deduplicated('headend', 'outages', 'outage_id') }}

)

select
    outage_id,
    region_code,
    account_id,
    started_at,
    ended_at,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

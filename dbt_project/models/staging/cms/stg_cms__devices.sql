with source as (

    {{ current_snapshot('cms', 'devices') }}

)

select
    device_serial,
    account_id,
    device_type,
    rental_product_code,
    rented_from,
    returned_at,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

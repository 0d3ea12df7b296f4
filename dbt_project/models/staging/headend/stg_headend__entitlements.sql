with source as (

    {{ current_snapshot('headend', 'entitlements') }}

)

select
    account_id,
    product_code,
    as_of,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

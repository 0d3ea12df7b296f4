with source as (

    {{ current_snapshot('cms', 'orders') }}

)

select
    order_id,
    account_id,
    product_code,
    quantity,
    completed_at,
    {{ local_date('completed_at') }} as completed_date,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

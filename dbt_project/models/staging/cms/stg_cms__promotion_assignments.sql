with source as (

    {{ current_snapshot('cms', 'promotion_assignments') }}

)

select
    account_id,
    subscription_id,
    promo_code,
    starts_on,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

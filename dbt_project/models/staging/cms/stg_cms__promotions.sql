with source as (

    {{ current_snapshot('cms', 'promotions') }}

)

select
    promo_code,
    name,
    kind,
    value,
    applies_to,
    duration_months,
    duration_days,
    requires,
    priority,
    campaign_from,
    campaign_to,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

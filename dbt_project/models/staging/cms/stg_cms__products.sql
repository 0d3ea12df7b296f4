with source as (

    {{ current_snapshot('cms', 'products') }}

)

select
    product_code,
    name_ko,
    name_en,
    product_type,
    charge_type,
    price,
    currency,
    tax_category,
    gl_revenue_account,
    included_vod_views,
    data_allowance_gb,
    overage_tiers,
    overage_cap,
    valid_from,
    valid_to,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

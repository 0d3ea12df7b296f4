with source as (

    {{ current_snapshot('cms', 'accounts') }}

)

select
    account_id,
    customer_type,
    name,
    email,
    phone,
    address,
    region_code,
    bill_cycle_day,
    currency,
    language,
    payment_method,
    payment_token,
    card_last4,
    virtual_account_no,
    business_reg_no,
    representative_name,
    business_type,
    business_item,
    tax_exempt,
    status,
    created_at,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

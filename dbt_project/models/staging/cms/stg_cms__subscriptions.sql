with source as (

    {{ current_snapshot('cms', 'subscriptions') }}

)

select
    subscription_id,
    account_id,
    product_code,
    quantity,
    start_date,
    end_date,
    contract_months,
    contract_start_date,
    contract_discount_pct,
    termination_reason,
    discount_granted_before,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

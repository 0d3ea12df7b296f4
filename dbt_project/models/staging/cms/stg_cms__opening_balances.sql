with source as (

    {{ deduplicated('cms', 'opening_balances', 'account_id') }}

)

select
    account_id,
    amount,
    currency,
    as_of,
    due_date,
    legacy_ref,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

with source as (

    {{ current_snapshot('cms', 'suspensions') }}

)

select
    account_id,
    kind,
    from_date,
    to_date,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

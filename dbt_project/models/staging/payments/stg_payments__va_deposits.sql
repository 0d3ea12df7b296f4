with source as (

    {{ deduplicated('payments', 'va_deposits', 'deposit_id') }}

)

select
    deposit_id,
    virtual_account_no,
    amount,
    depositor_name,
    deposited_at,
    {{ local_date('deposited_at') }} as deposited_date,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
from source

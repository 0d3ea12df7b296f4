{#- The accounts as statements and exports need them: who, where, how they pay.
    Only the last four digits of a card are ever known. -#}
select
    account_id,
    customer_type,
    name,
    address,
    region_code,
    bill_cycle_day,
    currency,
    coalesce(language, 'ko') as language,
    payment_method,
    card_last4,
    virtual_account_no,
    business_reg_no,
    tax_exempt,
    status
from {{ ref('stg_cms__accounts') }}

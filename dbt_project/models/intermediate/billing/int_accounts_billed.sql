{#- Accounts this cycle bills: those on the cycle's bill_cycle_day that existed
    before the period ended, with their currency's settings. -#}
select
    cms_accounts.account_id,
    cms_accounts.customer_type,
    cms_accounts.language,
    cms_accounts.currency,
    cms_accounts.tax_exempt,
    currencies.minor_scale,
    currencies.minor_factor,
    currencies.rounding_unit_minor,
    bill_cycle.cycle_date
from {{ ref('stg_cms__accounts') }} as cms_accounts
inner join {{ ref('int_bill_cycle') }} as bill_cycle
    on cms_accounts.bill_cycle_day = bill_cycle.bill_cycle_day
inner join {{ ref('currencies') }} as currencies
    on cms_accounts.currency = currencies.currency
where {{ local_date('cms_accounts.created_at') }} < bill_cycle.period_end

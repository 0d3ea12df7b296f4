{#- Accounts this cycle bills: those on the cycle's bill_cycle_day that existed
    before the period ended, with their currency's settings. -#}
select
    accounts.account_id,
    accounts.customer_type,
    accounts.language,
    accounts.currency,
    accounts.tax_exempt,
    currencies.minor_scale,
    currencies.minor_factor,
    currencies.rounding_unit_minor,
    cycle.cycle_date
from {{ ref('stg_cms__accounts') }} as accounts
inner join {{ ref('int_bill_cycle') }} as cycle
    on accounts.bill_cycle_day = cycle.bill_cycle_day
inner join {{ ref('currencies') }} as currencies
    on accounts.currency = currencies.currency
where {{ local_date('accounts.created_at') }} < cycle.period_end

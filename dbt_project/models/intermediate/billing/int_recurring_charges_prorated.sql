{#- Monthly charges: price x quantity x active_days / days_in_period, rounded down
    to the currency's minor unit (일할계산 절사). A whole period bills the price. -#}
with active as (

    select * from {{ ref('int_subscriptions_active_days') }}
    where active_days > 0

)

select
    active.account_id,
    'recurring' as line_type,
    active.product_code,
    active.name_ko,
    active.name_en,
    active.tax_category,
    active.quantity,
    active.price as unit_price,
    {{ div_floor(
        to_minor('active.price', 'billed.minor_scale')
        ~ ' * active.quantity * active.active_days',
        'active.days_in_period') }} as amount_minor,
    active.active_days,
    active.days_in_period,
    active.first_active_date as service_from,
    cast({{ dbt.dateadd('day', 1, 'active.last_active_date') }} as date) as service_to,
    active.subscription_id as source_ref
from active
inner join {{ ref('int_accounts_billed') }} as billed
    on active.account_id = billed.account_id

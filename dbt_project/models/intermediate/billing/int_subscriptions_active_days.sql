{#- For each monthly subscription of a billed account: the days it bills (subscribed
    and, except equipment, not suspended) and the price in effect on the period's
    first day. -#}
with active_days as (

    select
        service_days.subscription_id,
        sum(service_days.days) as active_days,
        min(service_days.service_date) as first_active_date,
        max({{ shift_date('day', 'service_days.days - 1', 'service_days.service_date') }})
            as last_active_date
    from {{ ref('int_subscription_service_days') }} as service_days
    inner join {{ ref('int_products_at_period_start') }} as products
        on service_days.product_code = products.product_code
    where not service_days.is_suspended or products.product_type = 'equipment'
    group by service_days.subscription_id

),

subscriptions as (

    select distinct
        subscription_id,
        account_id,
        product_code,
        quantity
    from {{ ref('int_subscription_service_days') }}

)

select
    subscriptions.subscription_id,
    subscriptions.account_id,
    subscriptions.product_code,
    subscriptions.quantity,
    products.name_ko,
    products.name_en,
    products.product_type,
    products.tax_category,
    products.price,
    products.currency as price_currency,
    coalesce(active_days.active_days, 0) as active_days,
    active_days.first_active_date,
    active_days.last_active_date,
    bill_cycle.days_in_period,
    bill_cycle.period_start,
    bill_cycle.period_end
from subscriptions
inner join {{ ref('int_products_at_period_start') }} as products
    on subscriptions.product_code = products.product_code
left join active_days
    on subscriptions.subscription_id = active_days.subscription_id
cross join {{ ref('int_bill_cycle') }} as bill_cycle
where products.charge_type = 'monthly'

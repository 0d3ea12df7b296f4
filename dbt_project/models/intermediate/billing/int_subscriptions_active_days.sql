{#- For each monthly subscription of a billed account, the days of the period on
    which it is active (start inclusive, end exclusive) and the account is not
    suspended, and the catalog price in effect on the period's first day. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

subscriptions as (

    select
        subscriptions.subscription_id,
        subscriptions.account_id,
        subscriptions.product_code,
        subscriptions.quantity,
        subscriptions.start_date,
        subscriptions.end_date
    from {{ ref('stg_cms__subscriptions') }} as subscriptions
    inner join {{ ref('int_accounts_billed') }} as billed
        on subscriptions.account_id = billed.account_id
    cross join bill_cycle
    where
        subscriptions.start_date < bill_cycle.period_end
        and (subscriptions.end_date is null or subscriptions.end_date > bill_cycle.period_start)

),

prices as (

    select products.*
    from {{ ref('stg_cms__products') }} as products
    cross join bill_cycle
    where
        products.valid_from <= bill_cycle.period_start
        and (products.valid_to is null or products.valid_to > bill_cycle.period_start)

),

service_days as (

    select
        subscriptions.subscription_id,
        period_days.service_date
    from subscriptions
    inner join {{ ref('int_bill_cycle_days') }} as period_days
        on
            subscriptions.start_date <= period_days.service_date
            and (
                subscriptions.end_date is null
                or subscriptions.end_date > period_days.service_date
            )
    where not exists (
        select 1
        from {{ ref('stg_cms__suspensions') }} as suspensions
        where
            suspensions.account_id = subscriptions.account_id
            and suspensions.from_date <= period_days.service_date
            and (suspensions.to_date is null or period_days.service_date < suspensions.to_date)
    )

),

active_days as (

    select
        subscription_id,
        count(*) as active_days,
        min(service_date) as first_active_date,
        max(service_date) as last_active_date
    from service_days
    group by subscription_id

)

select
    subscriptions.subscription_id,
    subscriptions.account_id,
    subscriptions.product_code,
    subscriptions.quantity,
    prices.name_ko,
    prices.name_en,
    prices.product_type,
    prices.tax_category,
    prices.price,
    prices.currency as price_currency,
    coalesce(active_days.active_days, 0) as active_days,
    active_days.first_active_date,
    active_days.last_active_date,
    bill_cycle.days_in_period,
    bill_cycle.period_start,
    bill_cycle.period_end
from subscriptions
inner join prices
    on subscriptions.product_code = prices.product_code
left join active_days
    on subscriptions.subscription_id = active_days.subscription_id
cross join bill_cycle
where prices.charge_type = 'monthly'

{#- One row per subscription of a billed account and day of the period on which it
    is subscribed (start inclusive, end exclusive), and whether the account is
    suspended that day (either kind). -#}
with subscriptions as (

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

)

select
    subscriptions.subscription_id,
    subscriptions.account_id,
    subscriptions.product_code,
    subscriptions.quantity,
    period_days.service_date,
    exists(
        select 1
        from {{ ref('stg_cms__suspensions') }} as suspensions
        where
            suspensions.account_id = subscriptions.account_id
            and suspensions.from_date <= period_days.service_date
            and (suspensions.to_date is null or period_days.service_date < suspensions.to_date)
    ) as is_suspended
from subscriptions
inner join {{ ref('int_bill_cycle_days') }} as period_days
    on
        subscriptions.start_date <= period_days.service_date
        and (
            subscriptions.end_date is null
            or subscriptions.end_date > period_days.service_date
        )

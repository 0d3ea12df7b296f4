{#- One row per subscription of a billed account and segment of the period on which
    it is subscribed (start inclusive, end exclusive): the segment's first day, its
    days, and whether the account is suspended on them (either kind). -#}
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
    segments.service_date,
    segments.days,
    exists(
        select 1
        from {{ ref('stg_cms__suspensions') }} as suspensions
        where
            suspensions.account_id = subscriptions.account_id
            and suspensions.from_date <= segments.service_date
            and (suspensions.to_date is null or segments.service_date < suspensions.to_date)
    ) as is_suspended
from subscriptions
inner join {{ ref('int_service_segments') }} as segments
    on
        subscriptions.account_id = segments.account_id
        and subscriptions.start_date <= segments.service_date
        and (
            subscriptions.end_date is null
            or subscriptions.end_date > segments.service_date
        )

{#- Each billed account's service period cut into segments: runs of days on which
    nothing the day-by-day rules look at changes. A segment starts on the period's
    first day and wherever a subscription, suspension, rental, contract or promotion
    starts or ends, or a bundle campaign opens or closes. The rules are evaluated
    once per segment, on its first day (service_date), and count for its `days`: the
    result of evaluating them day by day, with a row per segment instead of a row
    per day. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

billed as (

    select account_id from {{ ref('int_accounts_billed') }}

),

promotions as (

    select * from {{ ref('stg_cms__promotions') }}

),

subscriptions as (

    select * from {{ ref('stg_cms__subscriptions') }}

),

assignments as (

    select
        assignments.account_id,
        assignments.starts_on,
        promotions.duration_days,
        promotions.duration_months
    from {{ ref('stg_cms__promotion_assignments') }} as assignments
    inner join promotions
        on assignments.promo_code = promotions.promo_code

),

bundle_campaigns as (

    select campaign_from as boundary
    from promotions
    where kind = 'bundle'
    union all
    {# a campaign runs through campaign_to: the day after it is the change #}
    select {{ shift_date('day', 1, 'campaign_to') }}
    from promotions
    where kind = 'bundle'

),

boundaries as (

    select
        account_id,
        start_date as boundary
    from subscriptions
    union all
    select
        account_id,
        end_date
    from subscriptions
    union all
    select
        account_id,
        contract_start_date
    from subscriptions
    union all
    select
        account_id,
        {{ shift_date('month', 'contract_months', 'contract_start_date') }}
    from subscriptions
    union all
    select
        account_id,
        from_date
    from {{ ref('stg_cms__suspensions') }}
    union all
    select
        account_id,
        to_date
    from {{ ref('stg_cms__suspensions') }}
    union all
    select
        account_id,
        rented_from
    from {{ ref('stg_cms__devices') }}
    union all
    select
        account_id,
        returned_at
    from {{ ref('stg_cms__devices') }}
    union all
    select
        account_id,
        starts_on
    from assignments
    union all
    select
        account_id,
        {{ shift_date('day', 'duration_days', 'starts_on') }}
    from assignments
    union all
    select
        account_id,
        {{ shift_date('month', 'duration_months', 'starts_on') }}
    from assignments
    union all
    select
        billed.account_id,
        bundle_campaigns.boundary
    from billed
    cross join bundle_campaigns

),

starts as (

    select
        billed.account_id,
        bill_cycle.period_start as service_date
    from billed
    cross join bill_cycle
    union
    select
        boundaries.account_id,
        boundaries.boundary
    from boundaries
    inner join billed
        on boundaries.account_id = billed.account_id
    cross join bill_cycle
    where
        boundaries.boundary > bill_cycle.period_start
        and boundaries.boundary < bill_cycle.period_end

)

select
    starts.account_id,
    starts.service_date,
    {{ days_between(
        'starts.service_date',
        'coalesce(lead(starts.service_date) over (partition by starts.account_id '
        ~ 'order by starts.service_date), bill_cycle.period_end)'
    ) }} as days
from starts
cross join bill_cycle

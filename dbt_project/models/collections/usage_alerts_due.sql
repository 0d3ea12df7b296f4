{#- One alert per account and open period whose usage charges so far reach its
    threshold (in the account's currency), raised at the charge that took them over
    it: the lowest threshold of the plans it holds in the period (seed
    usage_alert_plans, in its currency), else usage_alert_threshold. Export
    `usage_alerts` lists those first recorded that day: an account is alerted once
    per period. -#}
with periods as (

    select distinct
        account_id,
        period_start
    from {{ ref('int_usage_charges_open_period') }}

),

plans as (

    select
        periods.account_id,
        periods.period_start,
        min(plans.threshold) as threshold
    from periods
    inner join {{ ref('stg_cms__accounts') }} as accounts
        on periods.account_id = accounts.account_id
    inner join {{ ref('stg_cms__subscriptions') }} as subscriptions
        on
            periods.account_id = subscriptions.account_id
            and subscriptions.start_date < {{ shift_date('month', 1, 'periods.period_start') }}
            and (subscriptions.end_date is null or periods.period_start < subscriptions.end_date)
    inner join {{ ref('usage_alert_plans') }} as plans
        on accounts.currency = plans.currency and subscriptions.product_code = plans.product_code
    group by periods.account_id, periods.period_start

),

running as (

    select
        charges.*,
        cast(
            coalesce(plans.threshold, {{ var('usage_alert_threshold') }}) as decimal(18, 2)
        ) as threshold,
        sum(charges.amount_minor) over (
            partition by charges.account_id, charges.period_start
            order by charges.charged_at, charges.charge_key
            rows between unbounded preceding and current row
        ) as running_minor,
        sum(charges.amount_minor) over (
            partition by charges.account_id, charges.period_start
        ) as usage_minor
    from {{ ref('int_usage_charges_open_period') }} as charges
    left join plans
        on charges.account_id = plans.account_id and charges.period_start = plans.period_start

)

select
    account_id,
    period_start,
    max(threshold) as threshold,
    {{ from_minor('max(usage_minor)', 'max(minor_factor)') }} as usage_charges,
    min(charged_at) as raised_at
from running
where running_minor >= {{ to_minor('threshold', 'minor_scale') }}
group by account_id, period_start

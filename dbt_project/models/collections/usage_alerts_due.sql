{#- One alert per account and open period whose usage charges so far reach
    usage_alert_threshold (in the account's currency), raised at the charge that
    took them over it. Export `usage_alerts` lists those first recorded that day:
    an account is alerted once per period. -#}
with running as (

    select
        *,
        sum(amount_minor) over (
            partition by account_id, period_start
            order by charged_at, charge_key
            rows between unbounded preceding and current row
        ) as running_minor,
        sum(amount_minor) over (partition by account_id, period_start) as usage_minor
    from {{ ref('int_usage_charges_open_period') }}

)

select
    account_id,
    period_start,
    cast({{ var('usage_alert_threshold') }} as decimal(18, 2)) as threshold,
    {{ from_minor('max(usage_minor)', 'max(minor_factor)') }} as usage_charges,
    min(charged_at) as raised_at
from running
where running_minor >= {{ to_minor(var('usage_alert_threshold'), 'minor_scale') }}
group by account_id, period_start

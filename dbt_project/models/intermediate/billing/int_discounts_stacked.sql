{#- The discount stack, day by day. On each day a line is active, the discounts
    active that day apply in order to that day's share of the full-period charge
    C: a percent of what is left, an amount (its per-period value spread over the
    period's days) capped at what is left. To stay in exact decimals every day is
    scaled by N (days in the period): a day's share of C is C, of an amount V is V.
    The stack is computed once per segment (its days are alike) and counts `days`
    times. Each discount's period total is then sum / N, rounded half up once. -#}
with active as (

    select
        discounts.*,
        line_days.full_charge_minor,
        line_days.days_in_period,
        line_days.days,
        {{ to_minor('coalesce(discounts.period_amount, 0)', 'billed.minor_scale') }}
            as period_amount_minor
    from {{ ref('int_discounts_active') }} as discounts
    inner join {{ ref('int_charge_line_days') }} as line_days
        on
            discounts.line_key = line_days.line_key
            and discounts.service_date = line_days.service_date
    inner join {{ ref('int_accounts_billed') }} as billed
        on line_days.account_id = billed.account_id

),

stack as (

    {{ discount_stack('active') }}

)

select
    line_key,
    discount_key,
    sum(days) as discounted_days,
    sum(discount_scaled * days) as discount_scaled
from stack
group by line_key, discount_key

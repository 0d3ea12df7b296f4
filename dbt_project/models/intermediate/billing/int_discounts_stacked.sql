{#- The discount stack, day by day. On each day a line is active, the discounts
    active that day apply in order to that day's share of the full-period charge
    C: a percent of what is left, an amount (its per-period value spread over the
    period's days) capped at what is left. To stay in exact decimals every day is
    scaled by N (days in the period): a day's share of C is C, of an amount V is V.
    The stack is computed once per segment (its days are alike) and counts `days`
    times. Each discount's period total is then sum / N, rounded half up once. -#}
with recursive

active as (

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

stack (
    line_key, service_date, days, stack_position, discount_key, left_scaled, discount_scaled
) as (

    select distinct
        line_key,
        service_date,
        days,
        0,
        cast(null as {{ dbt.type_string() }}),
        cast(full_charge_minor as decimal(38, 12)),
        cast(0 as decimal(38, 12))
    from active

    union all

    select
        stack.line_key,
        stack.service_date,
        stack.days,
        active.stack_position,
        active.discount_key,
        cast(stack.left_scaled - {{ stacked_discount('stack', 'active') }} as decimal(38, 12)),
        {{ stacked_discount('stack', 'active') }}
    from stack
    inner join active
        on
            stack.line_key = active.line_key
            and stack.service_date = active.service_date
            and active.stack_position = stack.stack_position + 1

)

select
    line_key,
    discount_key,
    sum(days) as discounted_days,
    sum(discount_scaled * days) as discount_scaled
from stack
where stack_position > 0
group by line_key, discount_key

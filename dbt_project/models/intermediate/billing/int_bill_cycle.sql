{#- The cycle being billed: one row. The service period is [previous cycle date,
    cycle date); the issue date is the cycle date; the due date is the issue date
    plus due_days, moved to the next Korean business day. -#}
with bill_cycle as (

    select cast('{{ var("cycle_date") }}' as date) as cycle_date

),

dated as (

    select
        cycle_date,
        {{ shift_date('month', -1, 'cycle_date') }} as period_start,
        cycle_date as period_end,
        cycle_date as issue_date,
        {{ shift_date('day', var('due_days'), 'cycle_date') }} as due_base
    from bill_cycle

)

select
    dated.cycle_date,
    dated.period_start,
    dated.period_end,
    {{ days_between("dated.period_start", "dated.period_end") }} as days_in_period,
    cast(extract(day from dated.cycle_date) as integer) as bill_cycle_day,
    dated.issue_date,
    calendar.next_business_day as due_date
from dated
inner join {{ ref('business_calendar') }} as calendar
    on dated.due_base = calendar.calendar_date

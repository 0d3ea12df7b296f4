{#- Each account's dunning position as of the day: the oldest unpaid item past its
    due date, the days past it, and what is overdue (the unpaid part of every item
    past due). Amounts under min_dunning_amount do not dun. -#}
with as_of as (

    select cast('{{ var("as_of") }}' as date) as as_of_date

),

overdue as (

    select
        items.account_id,
        min(items.due_date) as oldest_due_date,
        sum(items.open_amount) as overdue_amount
    from {{ ref('int_open_items') }} as items
    cross join as_of
    where items.open_amount > 0 and items.due_date < as_of.as_of_date
    group by items.account_id

)

select
    overdue.account_id,
    overdue.oldest_due_date,
    overdue.overdue_amount,
    as_of.as_of_date,
    {{ days_between('overdue.oldest_due_date', 'as_of.as_of_date') }} as days_past_due
from overdue
cross join as_of
where overdue.overdue_amount >= {{ var('min_dunning_amount') }}

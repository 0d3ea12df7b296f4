{#- What the day writes off (bad debt): an account whose oldest unpaid item fell
    due write_off_days or more ago, the dunning ladder's termination, has all it
    owes as of the day written off, due yet or not. The account's next bill run not
    closed yet (cycle_date) shows the write-off in payments and credits and takes it
    into the journal. Export `write_offs` lists those first recorded that day. -#}
with due as (

    select
        status.*,
        accounts.currency,
        {{ usage_period_start('status.as_of_date', 'accounts.bill_cycle_day') }} as period_start
    from {{ ref('int_dunning_status') }} as status
    inner join {{ ref('stg_cms__accounts') }} as accounts
        on status.account_id = accounts.account_id
    where status.days_past_due >= {{ var('write_off_days') }}

),

open_items as (

    select
        account_id,
        invoice_no,
        due_date,
        open_amount,
        row_number() over (partition by account_id order by due_date, invoice_no) as age_rank
    from {{ ref('int_open_items') }}
    where open_amount > 0

),

last_closed as (

    select
        account_id,
        max(cycle_date) as cycle_date
    from {{ source('ledger', 'invoices') }}
    group by account_id

)

select
    due.account_id,
    greatest(
        {{ shift_date('month', 1, 'due.period_start') }},
        {{ shift_date('month', 1, 'last_closed.cycle_date') }}
    ) as cycle_date,
    due.as_of_date as written_off_on,
    max(case when open_items.age_rank = 1 then open_items.invoice_no end) as oldest_invoice_no,
    due.oldest_due_date,
    cast(sum(open_items.open_amount) as decimal(18, 2)) as amount,
    due.currency
from due
inner join open_items
    on due.account_id = open_items.account_id
inner join last_closed
    on due.account_id = last_closed.account_id
group by
    due.account_id, due.as_of_date, due.oldest_due_date, due.period_start, due.currency,
    last_closed.cycle_date

{#- Declined card payments and failed auto-debits are retried retry_days after the
    first failure for an invoice (or, naming none, for the account), while it is
    still unpaid as of the day: a retry is due on its date and dropped once paid.
    Attempts of the same invoice failing again do not start a new schedule. -#}
with as_of as (

    select cast('{{ var("as_of") }}' as date) as as_of_date

),

failures as (

    select
        'CARD:' || txn_id as failure_ref,
        account_id,
        coalesce(invoice_no, '*') as invoice_no,
        amount,
        method,
        processed_date as failed_on
    from {{ ref('stg_payments__card_settlements') }}
    where status = 'declined'
    union all
    select
        'DEBIT:' || request_id as failure_ref,
        account_id,
        coalesce(invoice_no, '*') as invoice_no,
        amount,
        'auto_debit' as method,
        processed_on as failed_on
    from {{ ref('stg_payments__autodebit_results') }}
    where result = 'fail'

),

first_failures as (

    select
        failures.*,
        row_number() over (
            partition by failures.account_id, failures.invoice_no
            order by failures.failed_on, failures.failure_ref
        ) as failure_order
    from failures
    cross join as_of
    where failures.failed_on <= as_of.as_of_date

),

schedule as (

    {% for days in var('retry_days') -%}
        select
            {{ loop.index }} as attempt,
            {{ days }} as days_after
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

still_open as (

    select
        account_id,
        invoice_no,
        open_amount
    from {{ ref('int_open_items') }}
    where open_amount > 0
    union all
    select
        account_id,
        '*' as invoice_no,
        sum(open_amount) as open_amount
    from {{ ref('int_open_items') }}
    where open_amount > 0
    group by account_id

)

select
    'RETRY:' || failures.failure_ref || ':'
    || cast(schedule.attempt as {{ dbt.type_string() }}) as retry_id,
    failures.account_id,
    failures.invoice_no,
    cast(least(failures.amount, still_open.open_amount) as decimal(18, 2)) as amount,
    failures.method,
    {{ shift_date('day', 'schedule.days_after', 'failures.failed_on') }} as retry_on,
    schedule.attempt
from first_failures as failures
cross join schedule
cross join as_of
inner join still_open
    on
        failures.account_id = still_open.account_id
        and failures.invoice_no = still_open.invoice_no
where
    failures.failure_order = 1
    and {{ shift_date('day', 'schedule.days_after', 'failures.failed_on') }} <= as_of.as_of_date

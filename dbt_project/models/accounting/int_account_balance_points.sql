{#- Each account's balance at every close that settled it: the amount due of each
    closed invoice, and zero at a close that recorded a payment, credit note or
    write-off of the account without giving it an invoice (after them it owed
    nothing and was owed nothing). invoice_no is empty for those. -#}
with invoices as (

    select * from {{ source('ledger', 'invoices') }}

),

bill_runs as (

    select distinct
        cycle_date,
        issue_date
    from invoices

),

settled as (

    select
        account_id,
        cycle_date
    from {{ source('ledger', 'invoice_payments') }}
    where invoice_no is null
    union
    select
        account_id,
        cycle_date
    from {{ source('ledger', 'credit_notes') }}
    union
    select
        account_id,
        cycle_date
    from {{ ref('int_write_offs_closed') }}

)

select
    invoice_no,
    account_id,
    cycle_date,
    issue_date,
    currency,
    amount_due as balance
from invoices
union all
select
    cast(null as {{ dbt.type_string() }}) as invoice_no,
    settled.account_id,
    settled.cycle_date,
    bill_runs.issue_date,
    accounts.currency,
    cast(0 as decimal(18, 2)) as balance
from settled
inner join bill_runs
    on settled.cycle_date = bill_runs.cycle_date
left join {{ ref('stg_cms__accounts') }} as accounts
    on settled.account_id = accounts.account_id
where not exists (
    select 1
    from invoices
    where invoices.account_id = settled.account_id and invoices.cycle_date = settled.cycle_date
)

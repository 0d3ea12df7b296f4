{#- Balances written off at this bill run: what an account still owes, before the
    cycle's charges, when its oldest unpaid invoice fell due write_off_days or more
    before the issue date. Payments go to the oldest invoice first, so what is
    unpaid is the newest invoices' charges: walking back from the latest invoice,
    the oldest unpaid one is the last whose newer charges do not yet cover the
    balance. The write-off is dated the day the balance reached write_off_days past
    due (the dunning ladder's termination), and recorded by the next bill run. -#}
with balances as (

    select
        account_id,
        previous_balance - payments_and_credits as open_balance
    from {{ ref('int_account_balances') }}
    where previous_balance - payments_and_credits > 0

),

invoices as (

    select
        invoices.account_id,
        invoices.invoice_no,
        invoices.due_date,
        coalesce(sum(invoices.current_charges) over (
            partition by invoices.account_id
            order by invoices.cycle_date desc
            rows between unbounded preceding and 1 preceding
        ), 0) as newer_charges
    from {{ ref('int_ledger_invoices_before_cycle') }} as invoices

),

oldest_unpaid as (

    select
        balances.account_id,
        balances.open_balance,
        invoices.invoice_no,
        invoices.due_date,
        row_number() over (
            partition by balances.account_id order by invoices.due_date, invoices.invoice_no
        ) as age_rank
    from balances
    inner join invoices
        on
            balances.account_id = invoices.account_id
            and balances.open_balance > invoices.newer_charges

)

select
    oldest_unpaid.account_id,
    oldest_unpaid.invoice_no as oldest_invoice_no,
    oldest_unpaid.due_date as oldest_due_date,
    {{ shift_date('day', var('write_off_days'), 'oldest_unpaid.due_date') }} as written_off_on,
    oldest_unpaid.open_balance as amount
from oldest_unpaid
cross join {{ ref('int_bill_cycle') }} as bill_cycle
where
    oldest_unpaid.age_rank = 1
    and {{ shift_date('day', var('write_off_days'), 'oldest_unpaid.due_date') }}
    <= bill_cycle.issue_date

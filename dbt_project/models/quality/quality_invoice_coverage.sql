{#- The invoice coverage gate's rows, one per account billable in the cycle or
    invoiced in it: an account on the cycle day with any line rated, or a balance
    after the payments, credits and write-offs not shown yet (it owes or is owed),
    has exactly one invoice, and no other account has one. -#}
with billable as (
    select billed.account_id
    from {{ ref('int_accounts_billed') }} as billed
    left join {{ ref('int_account_balances') }} as balances
        on billed.account_id = balances.account_id
    left join (
        select
            account_id,
            sum(amount) as amount
        from {{ ref('int_write_offs') }}
        group by account_id
    ) as write_offs on billed.account_id = write_offs.account_id
    where
        billed.account_id in (
            select rated.account_id from {{ ref('int_invoice_lines_assembled') }} as rated
        )
        or coalesce(balances.previous_balance, 0) - coalesce(balances.payments_and_credits, 0)
        - coalesce(write_offs.amount, 0) <> 0
),

invoiced as (
    select
        account_id,
        count(*) as invoices
    from {{ ref('invoices') }}
    where cycle_date = {{ bill_cycle_date() }}
    group by account_id
)

select
    coalesce(billable.account_id, invoiced.account_id) as account_id,
    coalesce(invoiced.invoices, 0) as invoices,
    case when billable.account_id is not null and invoiced.invoices is null then 1 else 0 end
        as missing_invoice,
    case
        when billable.account_id is null then invoiced.invoices
        else greatest(coalesce(invoiced.invoices, 0) - 1, 0)
    end as extra_invoices
from billable
full outer join invoiced on billable.account_id = invoiced.account_id

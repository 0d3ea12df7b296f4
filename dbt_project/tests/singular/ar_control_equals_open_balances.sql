{{ config(tags=['after_close']) }}

{#- The AR control account equals the sum of what customers owe on their latest
    closed invoice (none when a later close settled them without an invoice), and
    the customer credit account the sum of what they are owed. -#}
with journal as (

    select
        currency,
        sum(case when role = 'receivable' then debit - credit else 0 end) as receivable,
        sum(case when role = 'customer_credit' then credit - debit else 0 end) as customer_credit
    from {{ ref('journal_entries') }}
    group by currency

),

latest as (

    select
        currency,
        balance as amount_due,
        row_number() over (partition by account_id order by cycle_date desc) as recency
    from {{ ref('int_account_balance_points') }}

),

balances as (

    select
        currency,
        sum(case when amount_due > 0 then amount_due else 0 end) as owed,
        sum(case when amount_due < 0 then -amount_due else 0 end) as in_credit
    from latest
    where recency = 1
    group by currency

)

select
    coalesce(balances.currency, journal.currency) as currency,
    balances.owed,
    balances.in_credit,
    journal.receivable,
    journal.customer_credit
from balances
full outer join journal
    on balances.currency = journal.currency
where
    coalesce(balances.owed, 0) <> coalesce(journal.receivable, 0)
    or coalesce(balances.in_credit, 0) <> coalesce(journal.customer_credit, 0)

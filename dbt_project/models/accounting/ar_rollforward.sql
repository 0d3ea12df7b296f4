{#- Customer balances rolled forward per fiscal period, per account and in total
    (account_id '*') per currency, as the ledger stood when the cycle being run closed: opening
    + invoiced - paid - credited - written off = closing. Paid is net of refunds and
    chargebacks. The balance is receivables less customer credit balances, so moving
    a credit balance between the two changes nothing here. -#}
with movements as (

    select
        account_id,
        currency,
        fiscal_period,
        sum(case when source_type = 'invoice' then debit - credit else 0 end) as invoiced,
        sum(case when source_type in ('payment', 'refund') then credit - debit else 0 end) as paid,
        sum(case when source_type = 'credit_note' then credit - debit else 0 end) as credited,
        sum(case when source_type = 'write_off' then credit - debit else 0 end) as written_off,
        sum(debit - credit) as net
    from {{ ref('journal_entries') }}
    where
        role in ('receivable', 'customer_credit')
        and cycle_date <= cast('{{ var("cycle_date") }}' as date)
    group by account_id, currency, fiscal_period

),

grid as (

    select
        accounts.account_id,
        accounts.currency,
        periods.fiscal_period
    from (select distinct
        account_id,
        currency
    from movements) as accounts
    cross join (select distinct fiscal_period from movements) as periods

),

per_account as (

    select
        grid.account_id,
        grid.currency,
        grid.fiscal_period,
        coalesce(movements.invoiced, 0) as invoiced,
        coalesce(movements.paid, 0) as paid,
        coalesce(movements.credited, 0) as credited,
        coalesce(movements.written_off, 0) as written_off,
        sum(coalesce(movements.net, 0)) over (
            partition by grid.account_id, grid.currency order by grid.fiscal_period
        ) as closing_balance
    from grid
    left join movements
        on
            grid.account_id = movements.account_id
            and grid.currency = movements.currency
            and grid.fiscal_period = movements.fiscal_period

),

with_total as (

    select * from per_account
    union all
    select
        '*' as account_id,
        currency,
        fiscal_period,
        sum(invoiced) as invoiced,
        sum(paid) as paid,
        sum(credited) as credited,
        sum(written_off) as written_off,
        sum(closing_balance) as closing_balance
    from per_account
    group by currency, fiscal_period

)

select
    account_id,
    currency,
    fiscal_period,
    cast(closing_balance - invoiced + paid + credited + written_off as decimal(18, 2))
        as opening_balance,
    cast(invoiced as decimal(18, 2)) as invoiced,
    cast(paid as decimal(18, 2)) as paid,
    cast(credited as decimal(18, 2)) as credited,
    cast(written_off as decimal(18, 2)) as written_off,
    cast(closing_balance as decimal(18, 2)) as closing_balance
from with_total
where
    invoiced <> 0 or paid <> 0 or credited <> 0 or written_off <> 0
    or closing_balance <> 0

{#- Trial balance per fiscal period and GL account, as the ledger stood when the
    cycle being run (var cycle_date) closed: opening balance, the period's debits
    and credits, closing balance (debit positive). Later bill runs may still post
    into a period (a payment received in it and shown later), so each cycle's report
    is a dated snapshot. -#}
with journal as (

    select *
    from {{ ref('journal_entries') }}
    where cycle_date <= cast('{{ var("cycle_date") }}' as date)

),

activity as (

    select
        fiscal_period,
        gl_account,
        currency,
        sum(debit) as debit,
        sum(credit) as credit
    from journal
    group by fiscal_period, gl_account, currency

),

grid as (

    select
        periods.fiscal_period,
        accounts.gl_account,
        accounts.currency
    from (select distinct fiscal_period from journal) as periods
    cross join (select distinct
        gl_account,
        currency
    from journal) as accounts

),

balances as (

    select
        grid.fiscal_period,
        grid.gl_account,
        grid.currency,
        coalesce(activity.debit, 0) as debit,
        coalesce(activity.credit, 0) as credit,
        sum(coalesce(activity.debit, 0) - coalesce(activity.credit, 0)) over (
            partition by grid.gl_account, grid.currency order by grid.fiscal_period
        ) as closing_balance
    from grid
    left join activity
        on
            grid.fiscal_period = activity.fiscal_period
            and grid.gl_account = activity.gl_account
            and grid.currency = activity.currency

)

select
    balances.fiscal_period,
    balances.gl_account,
    names.name_ko as gl_account_name,
    names.name_en as gl_account_name_en,
    balances.currency,
    cast(balances.closing_balance - balances.debit + balances.credit as decimal(18, 2))
        as opening_balance,
    cast(balances.debit as decimal(18, 2)) as debit,
    cast(balances.credit as decimal(18, 2)) as credit,
    cast(balances.closing_balance as decimal(18, 2)) as closing_balance
from balances
left join {{ ref('chart_of_accounts') }} as names
    on balances.gl_account = names.gl_account
where balances.debit <> 0 or balances.credit <> 0 or balances.closing_balance <> 0

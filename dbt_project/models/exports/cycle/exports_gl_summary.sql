{#- The summary journal for the general ledger: the journal lines the cycle's bill
    run posted, summed per fiscal period, journal source type, GL account and
    currency. Each journal balances, so each source type's lines of a period and
    currency balance too. -#}
select
    journal.fiscal_period,
    journal.source_type,
    journal.gl_account,
    names.name_ko as gl_account_name,
    journal.currency,
    cast(sum(journal.debit) as decimal(18, 2)) as debit,
    cast(sum(journal.credit) as decimal(18, 2)) as credit,
    count(*) as line_count,
    journal.cycle_date
from {{ ref('journal_entries') }} as journal
left join {{ ref('chart_of_accounts') }} as names on journal.gl_account = names.gl_account
group by all

{#- Revenue per fiscal period, GL account and product, as the ledger stood when the
    cycle being run closed: revenue recognised (annual charges month by month)
    less discounts, credits and rounding, plus other income. Net = credit - debit. -#}
select
    journal.fiscal_period,
    journal.gl_account,
    names.name_ko as gl_account_name,
    names.name_en as gl_account_name_en,
    journal.role,
    journal.product_code,
    journal.currency,
    cast(sum(journal.credit - journal.debit) as decimal(18, 2)) as net_revenue
from {{ ref('journal_entries') }} as journal
left join {{ ref('chart_of_accounts') }} as names on journal.gl_account = names.gl_account
where
    journal.role in (
        'product_revenue', 'data_overage', 'revenue_other', 'adjustments', 'discounts',
        'credits', 'rounding', 'other_income'
    )
    and journal.cycle_date <= cast('{{ var("cycle_date") }}' as date)
group by all

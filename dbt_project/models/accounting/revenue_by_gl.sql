{#- Revenue per fiscal period, GL account and product, as the ledger stood when the
    cycle being run closed: revenue recognised (annual charges month by month)
    less discounts, credits and rounding, plus other income. Net = credit - debit. -#}
select
    fiscal_period,
    gl_account,
    role,
    product_code,
    currency,
    cast(sum(credit - debit) as decimal(18, 2)) as net_revenue
from {{ ref('journal_entries') }}
where
    role in (
        'product_revenue', 'data_overage', 'revenue_other', 'adjustments', 'discounts',
        'credits', 'rounding', 'other_income'
    )
    and cycle_date <= cast('{{ var("cycle_date") }}' as date)
group by fiscal_period, gl_account, role, product_code, currency

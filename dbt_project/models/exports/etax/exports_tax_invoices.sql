{#- The e-tax invoices (세금계산서) of each closed cycle: one per business invoice
    with a taxable supply, its supply split into standard-rated and zero-rated (VAT
    and rounding lines are no supply; exempt lines belong on a 계산서, not here),
    and the document's totals. invoice_renderer/etax.py writes one XML document per
    row. -#}
with supplies as (
    select
        i.invoice_no,
        i.cycle_date,
        i.issue_date,
        i.period_start,
        i.period_end,
        a.business_reg_no,
        a.name,
        cast(coalesce(sum(l.amount) filter (
            where l.tax_category = 'standard' and l.line_type not in ('vat', 'rounding')
        ), 0) as decimal(18, 2)) as standard_supply,
        cast(coalesce(sum(l.amount) filter (
            where l.tax_category = 'zero' and l.line_type not in ('vat', 'rounding')
        ), 0) as decimal(18, 2)) as zero_rated_supply,
        i.vat_amount
    from {{ source('ledger', 'invoices') }} as i
    inner join {{ source('ledger', 'invoice_accounts') }} as a on i.invoice_no = a.invoice_no
    inner join {{ source('ledger', 'invoice_lines') }} as l on i.invoice_no = l.invoice_no
    where a.customer_type = 'business'
    group by all
)

select
    invoice_no,
    cycle_date,
    issue_date,
    period_start,
    period_end,
    cast({{ dbt.dateadd('day', -1, 'period_end') }} as date) as period_last_day,
    business_reg_no,
    name,
    standard_supply,
    zero_rated_supply,
    cast(standard_supply + zero_rated_supply as decimal(18, 2)) as supply_amount,
    vat_amount,
    cast(standard_supply + zero_rated_supply + vat_amount as decimal(18, 2)) as total_amount
from supplies
where standard_supply + zero_rated_supply > 0

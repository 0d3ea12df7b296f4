{#- The cycle_totals gate's rows, one per currency: the draft cycle's invoice count
    and current charges against the previous closed cycle of the same cycle day, as
    changes in percent (0 until that cycle has anomaly_min_invoices invoices). -#}
with {{ compared_invoices() }},

current_totals as (
    select
        currency,
        count(*) as invoices,
        sum(current_charges) as charges
    from current_invoices
    group by currency
),

previous_totals as (
    select
        currency,
        count(*) as invoices,
        sum(current_charges) as charges
    from previous_invoices
    group by currency
)

select
    coalesce(c.currency, p.currency) as currency,
    coalesce(c.invoices, 0) as invoices,
    coalesce(p.invoices, 0) as previous_invoices,
    cast(coalesce(c.charges, 0) as {{ dbt.type_string() }}) as current_charges,
    cast(coalesce(p.charges, 0) as {{ dbt.type_string() }}) as previous_charges,
    case
        when coalesce(p.invoices, 0) < {{ var('anomaly_min_invoices') }} then 0.0
        else abs(coalesce(c.invoices, 0) - p.invoices) * 100.0 / p.invoices
    end as invoice_count_change_pct,
    case
        when coalesce(p.invoices, 0) < {{ var('anomaly_min_invoices') }} or p.charges = 0 then 0.0
        else cast(abs(coalesce(c.charges, 0) - p.charges) * 100 / abs(p.charges) as double)
    end as charges_change_pct
from current_totals as c
full outer join previous_totals as p on c.currency = p.currency

{#- The cycle_totals gate's rows, one per currency: the draft cycle's invoice count
    and current charges against the previous closed cycle of the same cycle day, as
    changes in percent to show (rounded to 0.01), and whether each moved more than
    anomaly_tolerance_pct, decided on the exact counts and DECIMAL amounts (0 until
    that cycle has anomaly_min_invoices invoices). -#}
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
),

compared as (
    select
        coalesce(c.currency, p.currency) as currency,
        coalesce(c.invoices, 0) as invoices,
        coalesce(p.invoices, 0) as previous_invoices,
        coalesce(c.charges, 0) as charges,
        coalesce(p.charges, 0) as previous,
        coalesce(p.invoices, 0) >= {{ var('anomaly_min_invoices') }} as compared
    from current_totals as c
    full outer join previous_totals as p on c.currency = p.currency
)

select
    currency,
    invoices,
    previous_invoices,
    cast(charges as {{ dbt.type_string() }}) as current_charges,
    cast(previous as {{ dbt.type_string() }}) as previous_charges,
    case
        when compared
            then cast(
                round(abs(invoices - previous_invoices) * 100 / previous_invoices, 2)
                as decimal(12, 2)
            )
        else 0
    end as invoice_count_change_pct,
    case
        when compared and previous <> 0
            then cast(round(abs(charges - previous) * 100 / abs(previous), 2) as decimal(12, 2))
        else 0
    end as charges_change_pct,
    case
        when
            compared
            and abs(invoices - previous_invoices) * 100
            > {{ var('anomaly_tolerance_pct') }} * previous_invoices
            then 1
        else 0
    end as invoice_count_beyond_tolerance,
    case
        when
            compared
            and previous <> 0
            and abs(charges - previous) * 100 > {{ var('anomaly_tolerance_pct') }} * abs(previous)
            then 1
        else 0
    end as charges_beyond_tolerance
from compared

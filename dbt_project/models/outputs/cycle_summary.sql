{#- What each closed cycle issued, per currency: the bill run's last step shows it
    (Dagster's bill_run_summary, the CLI's summary). The cycle's credit notes and
    quarantined rows are on each of its currencies' rows (on one row without a
    currency when it issued no invoice). -#}
{{ config(materialized=('table' if target.type == 'spark' else 'view'), tags=['internal']) }}

with issued as (
    select
        cycle_date,
        currency,
        count(*) as invoices,
        min(invoice_no) as first_invoice_no,
        max(invoice_no) as last_invoice_no,
        sum(current_charges) as current_charges,
        sum(amount_due) as amount_due
    from {{ source('ledger', 'invoices') }}
    group by cycle_date, currency
),

credit_notes as (
    select
        cycle_date,
        count(distinct credit_note_no) as credit_notes
    from {{ source('ledger', 'credit_notes') }}
    group by cycle_date
),

quarantined as (
    select
        cycle_date,
        count(*) as rows_quarantined
    from {{ ref('quarantine') }}
    group by cycle_date
),

cycles as (
    select cycle_date from issued
    union
    select cycle_date from credit_notes
    union
    select cycle_date from quarantined
)

select
    cycles.cycle_date,
    issued.currency,
    coalesce(issued.invoices, 0) as invoices,
    issued.first_invoice_no,
    issued.last_invoice_no,
    cast(coalesce(issued.current_charges, 0) as decimal(18, 2)) as current_charges,
    cast(coalesce(issued.amount_due, 0) as decimal(18, 2)) as amount_due,
    coalesce(credit_notes.credit_notes, 0) as credit_notes,
    coalesce(quarantined.rows_quarantined, 0) as rows_quarantined
from cycles
left join issued on cycles.cycle_date = issued.cycle_date
left join credit_notes on cycles.cycle_date = credit_notes.cycle_date
left join quarantined on cycles.cycle_date = quarantined.cycle_date

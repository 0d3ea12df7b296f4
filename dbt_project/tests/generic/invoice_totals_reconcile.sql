{% test invoice_totals_reconcile(model) %}
{#- Every invoice equals the sum of its lines (none for an invoice that only
    carries a balance), and supply + VAT + rounding equals its current charges.
    Returns the invoices that break either rule. -#}
with line_totals as (
    select
        invoice_no,
        sum(amount) as lines_total,
        sum(case when line_type = 'vat' then amount else 0 end) as vat_total,
        sum(case when line_type = 'rounding' then amount else 0 end) as rounding_total
    from {{ ref('invoice_lines') }}
    group by invoice_no
)

select
    invoices.invoice_no,
    invoices.current_charges,
    line_totals.lines_total
from {{ model }} as invoices
left join line_totals
    on invoices.invoice_no = line_totals.invoice_no
where
    coalesce(line_totals.lines_total, 0) <> invoices.current_charges
    or invoices.supply_amount + invoices.vat_amount + invoices.rounding_amount
    <> invoices.current_charges
    or coalesce(line_totals.vat_total, 0) <> invoices.vat_amount
    or coalesce(line_totals.rounding_total, 0) <> invoices.rounding_amount
{% endtest %}

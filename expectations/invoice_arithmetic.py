"""The invoice arithmetic gate: every account billable has one invoice, and every
invoice of a cycle adds up.

`invoice_coverage`, one row per account billable in the cycle or invoiced in it:
an account on the cycle day with any line rated, or a balance after the payments,
credits and write-offs not shown yet (it owes or is owed), has exactly one invoice,
and no other account has one. `invoice_arithmetic`, one row per invoice: SQL over the marts computes
gaps in integer minor units that must all be zero: the invoice equals the sum of
its lines; supply + VAT + rounding equals current charges; the VAT lines equal
floor(base x rate) per tax category at the issue date's rate; amount due follows
from the balances; no charge line is negative; the rounding truncates toward zero
by less than one rounding step.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from expectations.gate import Expectation, GateResult, run_suite

GAP_COLUMNS = (
    "lines_gap",
    "components_gap",
    "vat_gap",
    "amount_due_gap",
    "negative_charge_lines",
    "rounding_out_of_step",
)

OBSERVATIONS_SQL = """
with invoices as (
    select i.*, c.minor_scale, c.rounding_unit_minor, a.tax_exempt
    from marts.invoices as i
    inner join settings.currencies as c on i.currency = c.currency
    inner join marts.dim_accounts as a on i.account_id = a.account_id
    where i.cycle_date = $cycle
),
lines as (
    select * from marts.invoice_lines where cycle_date = $cycle
),
line_totals as (
    select
        invoice_no,
        sum(amount) as lines_total,
        sum(case when line_type = 'vat' then amount else 0 end) as vat_lines,
        count(*) filter (
            where line_type in ('recurring', 'one_time', 'usage') and amount < 0
        ) as negative_charge_lines
    from lines
    group by invoice_no
),
vat_expected as (
    select
        bases.invoice_no,
        sum(floor(bases.base_minor * coalesce(rates.rate, 0))) as vat_minor
    from (
        select l.invoice_no, l.tax_category, i.issue_date,
               sum(cast(l.amount * i.minor_scale as bigint)) as base_minor
        from lines as l
        inner join invoices as i on l.invoice_no = i.invoice_no
        where l.line_type not in ('vat', 'rounding') and not i.tax_exempt
        group by l.invoice_no, l.tax_category, i.issue_date
    ) as bases
    left join settings.tax_rates as rates
        on bases.tax_category = rates.tax_category
        and rates.valid_from <= bases.issue_date
        and (rates.valid_to is null or rates.valid_to > bases.issue_date)
    group by bases.invoice_no
)
select
    i.invoice_no,
    cast((i.current_charges - coalesce(t.lines_total, 0)) * i.minor_scale as bigint)
        as lines_gap,
    cast((i.supply_amount + i.vat_amount + i.rounding_amount - i.current_charges)
        * i.minor_scale as bigint) as components_gap,
    cast(coalesce(t.vat_lines, 0) * i.minor_scale as bigint)
        - cast(coalesce(v.vat_minor, 0) as bigint) as vat_gap,
    cast((i.previous_balance - i.payments_and_credits + i.current_charges - i.amount_due)
        * i.minor_scale as bigint) as amount_due_gap,
    coalesce(t.negative_charge_lines, 0) as negative_charge_lines,
    case
        when abs(i.rounding_amount) * i.minor_scale >= i.rounding_unit_minor then 1
        when i.rounding_amount * i.current_charges > 0 then 1  -- truncation is toward zero
        else 0
    end as rounding_out_of_step
from invoices as i
left join line_totals as t on i.invoice_no = t.invoice_no
left join vat_expected as v on i.invoice_no = v.invoice_no
order by i.invoice_no
"""


COVERAGE_SQL = """
with billable as (
    select billed.account_id
    from intermediate.int_accounts_billed as billed
    left join intermediate.int_account_balances as balances
        on billed.account_id = balances.account_id
    left join (
        select account_id, sum(amount) as amount
        from intermediate.int_write_offs group by account_id
    ) as write_offs on billed.account_id = write_offs.account_id
    where billed.account_id in (select account_id from intermediate.int_invoice_lines_assembled)
       or coalesce(balances.previous_balance, 0) - coalesce(balances.payments_and_credits, 0)
          - coalesce(write_offs.amount, 0) <> 0
),
invoiced as (
    select account_id, count(*) as invoices
    from marts.invoices where cycle_date = $cycle group by account_id
)
select
    coalesce(billable.account_id, invoiced.account_id) as account_id,
    coalesce(invoiced.invoices, 0) as invoices,
    case when billable.account_id is not null and invoiced.invoices is null then 1 else 0 end
        as missing_invoice,
    case
        when billable.account_id is null then invoiced.invoices
        else greatest(coalesce(invoiced.invoices, 0) - 1, 0)
    end as extra_invoices
from billable
full outer join invoiced on billable.account_id = invoiced.account_id
order by account_id
"""


def validate_coverage(
    con: duckdb.DuckDBPyConnection, cycle_date: date, docs_dir: Path | None = None
) -> GateResult:
    """Check that every account billable in `cycle_date` has exactly one invoice."""
    return run_suite(
        "invoice_coverage",
        con,
        COVERAGE_SQL,
        {"cycle": cycle_date},
        [
            Expectation.between(column=column, min_value=0, max_value=0)
            for column in ("missing_invoice", "extra_invoices")
        ],
        id_columns=("account_id", "invoices"),
        docs_dir=docs_dir,
    )


def validate_invoices(
    con: duckdb.DuckDBPyConnection, cycle_date: date, docs_dir: Path | None = None
) -> GateResult:
    """Check every invoice of `cycle_date` in the warehouse behind `con`."""
    expectations = [
        Expectation.not_null(column="invoice_no"),
        Expectation.unique(column="invoice_no"),
    ] + [Expectation.between(column=column, min_value=0, max_value=0) for column in GAP_COLUMNS]
    return run_suite(
        "invoice_arithmetic",
        con,
        OBSERVATIONS_SQL,
        {"cycle": cycle_date},
        expectations,
        id_columns=("invoice_no",),
        docs_dir=docs_dir,
    )

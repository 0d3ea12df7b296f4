"""The anomaly gates: a cycle that looks unlike the one before is held for review.

`cycle_totals`, one row per currency: the number of invoices and their current
charges against the previous closed cycle of the same cycle day, within
`anomaly_tolerance_pct` (compared once the previous cycle has at least
`anomaly_min_invoices` invoices). `bill_jumps`, one row per account billed in both
cycles: current charges at most `bill_jump_factor` times the previous ones.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from expectations.gate import Expectation, GateResult, run_suite

PREVIOUS_CYCLE = """
previous_cycle as (
    select max(cycle_date) as cycle_date from ledger.invoices
    where cycle_date < $cycle and extract(day from cycle_date) = extract(day from $cycle)
),
current_invoices as (
    select account_id, currency, current_charges from marts.invoices where cycle_date = $cycle
),
previous_invoices as (
    select account_id, currency, current_charges from ledger.invoices
    where cycle_date = (select cycle_date from previous_cycle)
)"""

TOTALS_SQL = f"""
with {PREVIOUS_CYCLE},
current_totals as (
    select currency, count(*) as invoices, sum(current_charges) as charges
    from current_invoices group by currency
),
previous_totals as (
    select currency, count(*) as invoices, sum(current_charges) as charges
    from previous_invoices group by currency
)
select
    coalesce(c.currency, p.currency) as currency,
    coalesce(c.invoices, 0) as invoices,
    coalesce(p.invoices, 0) as previous_invoices,
    cast(coalesce(c.charges, 0) as varchar) as current_charges,
    cast(coalesce(p.charges, 0) as varchar) as previous_charges,
    case when coalesce(p.invoices, 0) < $min_invoices then 0.0
        else abs(coalesce(c.invoices, 0) - p.invoices) * 100.0 / p.invoices
    end as invoice_count_change_pct,
    case when coalesce(p.invoices, 0) < $min_invoices or p.charges = 0 then 0.0
        else cast(abs(coalesce(c.charges, 0) - p.charges) * 100 / abs(p.charges) as double)
    end as charges_change_pct
from current_totals as c
full outer join previous_totals as p on c.currency = p.currency
order by currency
"""

JUMPS_SQL = f"""
with {PREVIOUS_CYCLE}
select
    c.account_id,
    cast(p.current_charges as varchar) as previous_charges,
    cast(c.current_charges as varchar) as current_charges,
    cast(c.current_charges / p.current_charges as double) as growth
from current_invoices as c
inner join previous_invoices as p on c.account_id = p.account_id
where p.current_charges > 0
order by c.account_id
"""


def validate_cycle_totals(
    con: duckdb.DuckDBPyConnection, cycle_date: date, settings: dict, docs_dir: Path | None = None
) -> GateResult:
    """Compare the draft cycle's invoice count and charges with the previous cycle's."""
    tolerance = settings["anomaly_tolerance_pct"]
    return run_suite(
        "cycle_totals",
        con,
        TOTALS_SQL,
        {"cycle": cycle_date, "min_invoices": settings["anomaly_min_invoices"]},
        [
            Expectation.between(column=column, min_value=0, max_value=tolerance)
            for column in ("invoice_count_change_pct", "charges_change_pct")
        ],
        id_columns=("currency", "previous_charges", "current_charges"),
        docs_dir=docs_dir,
    )


def validate_bill_jumps(
    con: duckdb.DuckDBPyConnection, cycle_date: date, settings: dict, docs_dir: Path | None = None
) -> GateResult:
    """List the accounts whose bill grew more than bill_jump_factor times."""
    return run_suite(
        "bill_jumps",
        con,
        JUMPS_SQL,
        {"cycle": cycle_date},
        [Expectation.between(column="growth", max_value=settings["bill_jump_factor"])],
        id_columns=("account_id", "previous_charges", "current_charges"),
        docs_dir=docs_dir,
    )

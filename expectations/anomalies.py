"""The anomaly gates: a cycle that looks unlike the one before is held for review.

`cycle_totals`, one row per currency: the number of invoices and their current
charges against the previous closed cycle of the same cycle day, within
`anomaly_tolerance_pct` (compared once the previous cycle has at least
`anomaly_min_invoices` invoices). `bill_jumps`, one row per account billed in both
cycles: current charges at most `bill_jump_factor` times the previous ones. Their
rows are the dbt models `quality_cycle_totals` and `quality_bill_jumps`
(models/quality), built with the drafts.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.gate import Expectation, GateResult, run_suite

# The rows each gate validates: dbt models (models/quality), built with the drafts.
TOTALS_SQL = "select * from quality.cycle_totals order by currency"
JUMPS_SQL = "select * from quality.bill_jumps order by account_id"


def validate_cycle_totals(
    con: duckdb.DuckDBPyConnection, settings: dict, docs_dir: Path | None = None
) -> GateResult:
    """Compare the draft cycle's invoice count and charges with the previous cycle's
    (decided in the model, on exact amounts; the changes in percent are shown)."""
    return run_suite(
        "cycle_totals",
        con,
        TOTALS_SQL,
        {},
        [
            Expectation.between(column=column, max_value=0)
            for column in ("invoice_count_beyond_tolerance", "charges_beyond_tolerance")
        ],
        id_columns=(
            "currency",
            "previous_charges",
            "current_charges",
            "invoice_count_change_pct",
            "charges_change_pct",
        ),
        docs_dir=docs_dir,
    )


def validate_bill_jumps(
    con: duckdb.DuckDBPyConnection, settings: dict, docs_dir: Path | None = None
) -> GateResult:
    """List the accounts whose bill grew more than bill_jump_factor times."""
    return run_suite(
        "bill_jumps",
        con,
        JUMPS_SQL,
        {},
        [Expectation.between(column="jumped", max_value=0)],
        id_columns=("account_id", "previous_charges", "current_charges"),
        docs_dir=docs_dir,
    )

"""The invoice arithmetic gate: every account billable has one invoice, and every
invoice of a cycle adds up. What each checks is computed by the dbt models
`quality_invoice_coverage` and `quality_invoice_arithmetic` (models/quality).

`invoice_coverage`, one row per account billable in the cycle or invoiced in it,
whose `missing_invoice` and `extra_invoices` must be zero; `invoice_arithmetic`,
one row per invoice, whose gaps in integer minor units must all be zero.
"""

from __future__ import annotations

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

# The rows each gate validates: dbt models (models/quality), built with the drafts.
ARITHMETIC_SQL = "select * from quality.invoice_arithmetic order by invoice_no"
COVERAGE_SQL = "select * from quality.invoice_coverage order by account_id"


def validate_coverage(con: duckdb.DuckDBPyConnection, docs_dir: Path | None = None) -> GateResult:
    """Check that every account billable in the cycle the drafts were built for has
    exactly one invoice."""
    return run_suite(
        "invoice_coverage",
        con,
        COVERAGE_SQL,
        {},
        [
            Expectation.between(column=column, min_value=0, max_value=0)
            for column in ("missing_invoice", "extra_invoices")
        ],
        id_columns=("account_id", "invoices"),
        docs_dir=docs_dir,
    )


def validate_invoices(con: duckdb.DuckDBPyConnection, docs_dir: Path | None = None) -> GateResult:
    """Check every draft invoice in the warehouse behind `con`."""
    expectations = [
        Expectation.not_null(column="invoice_no"),
        Expectation.unique(column="invoice_no"),
    ] + [Expectation.between(column=column, min_value=0, max_value=0) for column in GAP_COLUMNS]
    return run_suite(
        "invoice_arithmetic",
        con,
        ARITHMETIC_SQL,
        {},
        expectations,
        id_columns=("invoice_no",),
        docs_dir=docs_dir,
    )

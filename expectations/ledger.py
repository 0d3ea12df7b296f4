"""The ledger gate: what the closes wrote is still whole.

`ledger_documents`, one row per numbered invoice and credit note
(`quality_ledger_documents`): numbers unique and gapless in each yearly series
(INV-YYYY, CN-YYYY), and every closed invoice still equal to the sum of its lines,
its supply + VAT + rounding, and its amount due to previous balance - payments and
credits + current charges. Run after every close, so a ledger edited by hand stops
the journal, exports and statements.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.gate import Expectation, GateResult, run_suite

GAP_COLUMNS = ("numbering_gap", "lines_gap", "components_gap", "amount_due_gap")

# The rows the gate validates: a dbt model (models/quality), built with the close.
DOCUMENTS_SQL = "select * from quality.ledger_documents order by document_no"


def validate_ledger(con: duckdb.DuckDBPyConnection, docs_dir: Path | None = None) -> GateResult:
    """Check every numbered document of the ledger behind `con`."""
    expectations = [Expectation.unique(column="document_no")] + [
        Expectation.between(column=column, min_value=0, max_value=0) for column in GAP_COLUMNS
    ]
    return run_suite(
        "ledger_documents",
        con,
        DOCUMENTS_SQL,
        {},
        expectations,
        id_columns=("document_no",),
        docs_dir=docs_dir,
    )

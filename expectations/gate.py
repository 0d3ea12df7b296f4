"""Running a suite over a table of per-row observations, and what a gate reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from expectations import validator
from expectations.validator import Expectation, Failure

__all__ = ["Expectation", "Failure", "GateResult", "publish_docs", "run_suite"]


@dataclass
class GateResult:
    name: str
    success: bool
    rows_checked: int
    failures: list[Failure] = field(default_factory=list)
    # counts a gate reports whether it passes or not (e.g. rows in suspense per entity)
    observed: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        if self.success:
            return f"{self.name}: passed on {self.rows_checked:,} rows"
        parts = [
            f"{f.expectation}({f.column}) failed for {f.unexpected_count} rows, e.g. {f.sample}"
            for f in self.failures
        ]
        return f"{self.name}: FAILED on {self.rows_checked:,} rows: " + "; ".join(parts)


def publish_docs(docs_dir: Path) -> None:
    """Write the Data Docs of the gates validated for `docs_dir` since the last call
    (expectations/validator.py); called once per gate."""
    validator.publish(docs_dir)


def run_suite(
    name: str,
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict,
    expectations: list[Expectation],
    id_columns: tuple[str, ...],
    docs_dir: Path | None = None,
    report: tuple[str, str] | None = None,
) -> GateResult:
    """Validate the rows of `sql` against `expectations`; with `docs_dir`, the
    validation goes in that folder's Data Docs at the next `publish_docs`. A failure's
    sample rows show `id_columns` (what identifies a row, and what explains it);
    `report` (key column, count column) names counts observed on every row."""
    table = con.sql(sql, params=params).to_arrow_table()
    ((timezone,),) = con.execute("select current_setting('TimeZone')").fetchall()
    success, failures = validator.validate(
        name, table, timezone, expectations, id_columns, docs_dir
    )
    observed = (
        {
            str(key): int(value)
            for key, value in zip(
                table.column(report[0]).to_pylist(),
                table.column(report[1]).to_pylist(),
                strict=True,
            )
        }
        if report
        else {}
    )
    return GateResult(name, success, table.num_rows, failures, observed)

"""The exports gate: every file written holds what its mart holds.

`exports`, one row per export: the CSV and the Parquet file have as many rows as
the rows of the relation they were written from, and their money column adds up
to the same total, to the cent. The files are read back from disk, so a file cut
short or edited after writing is caught. (Money is compared in SQL and shown as
text: the frame Great Expectations reads never holds it as a float.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from expectations.gate import Expectation, GateResult, run_suite


@dataclass(frozen=True)
class ExportedFile:
    """An export written to `csv` and `parquet` from `source` (a relation and its
    filter, whose named parameters `source_params` holds), its money column
    `total_column` (as named in the file) and `source_total` (as named in the
    relation)."""

    name: str
    csv: Path
    parquet: Path
    source: str
    total_column: str | None = None
    source_total: str | None = None
    source_params: dict = field(default_factory=dict)


def _row(i: int, export: ExportedFile) -> tuple[str, dict]:
    """The observations of the `i`th export, and the parameters they take: the file
    paths are bound, never pasted into the SQL."""

    def total(relation: str, column: str | None) -> str:
        if column is None:
            return "0"
        return f'(select coalesce(sum(cast("{column}" as decimal(18, 2))), 0) from {relation})'

    csv = f"read_csv($csv_{i}, header = true, all_varchar = true)"
    parquet = f"read_parquet($parquet_{i})"
    params = {f"name_{i}": export.name, f"csv_{i}": str(export.csv)}
    params[f"parquet_{i}"] = str(export.parquet)
    return (
        f"""
select
    $name_{i} as export,
    (select count(*) from {export.source}) as source_rows,
    (select count(*) from {csv}) as csv_rows,
    (select count(*) from {parquet}) as parquet_rows,
    {total(export.source, export.source_total)} as source_total,
    {total(csv, export.total_column)} as csv_total,
    {total(parquet, export.total_column)} as parquet_total""",
        params | export.source_params,
    )


def validate_exports(
    con: duckdb.DuckDBPyConnection, exports: list[ExportedFile], docs_dir: Path | None = None
) -> GateResult:
    """Compare each export's files with the relation they were written from."""
    rows = [_row(i, e) for i, e in enumerate(exports)]
    params = {k: v for _, p in rows for k, v in p.items()}
    sql = f"""
with observed as ({" union all ".join(sql for sql, _ in rows)})
select
    export, source_rows, csv_rows,
    cast(source_total as varchar) as source_total,
    cast(csv_total as varchar) as csv_total,
    abs(csv_rows - source_rows) + abs(parquet_rows - source_rows) as rows_gap,
    cast((abs(csv_total - source_total) + abs(parquet_total - source_total)) * 100 as bigint)
        as total_gap_cents
from observed
order by export
"""
    return run_suite(
        "exports",
        con,
        sql,
        params,
        [
            Expectation.between(column=column, min_value=0, max_value=0)
            for column in ("rows_gap", "total_gap_cents")
        ],
        id_columns=("export", "source_rows", "csv_rows", "source_total", "csv_total"),
        docs_dir=docs_dir,
    )

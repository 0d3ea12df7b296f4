"""The landed feeds as Parquet, for an engine that does not read the DuckDB warehouse.

With the Spark target (docs/scale-out.md), ingest still verifies and lands every
delivery in the DuckDB warehouse; the raw entity tables and the ingest ledger are
then published, whole, as one Parquet file each under `<lake>/<schema>/<table>/`,
where dbt's sources on Spark read them (macro register_landed_tables). A table is
written beside its old file and swapped in, so a reader sees the old file or the
new one, never half of one; publishing again writes the same files.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from connectors.contract import ENTITIES
from connectors.warehouse import INGEST_SCHEMA, RAW_SCHEMA

INGEST_TABLES = ("deliveries", "quarantine", "rejections", "dismissals")
FILE_NAME = "part-00000.parquet"


def landed_tables() -> list[tuple[str, str]]:
    """(schema, table) of every table the connectors own."""
    return [(RAW_SCHEMA, e.name) for e in ENTITIES] + [(INGEST_SCHEMA, t) for t in INGEST_TABLES]


def publish(con: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """Write every landed table of the warehouse `con` to `lake`."""
    for schema, table in landed_tables():
        folder = lake / schema / table
        folder.mkdir(parents=True, exist_ok=True)
        written = folder / f".{FILE_NAME}.tmp"
        relation = con.table(f"{schema}.{table}")
        relation.sort(*_order(relation.columns)).write_parquet(str(written), compression="zstd")
        os.replace(written, folder / FILE_NAME)


def _order(columns: list[str]) -> list[duckdb.Expression]:
    """The same rows in the same order each time: by delivery and row, where known."""
    keys = [c for c in ("_delivery_id", "_row_number") if c in columns]
    return [duckdb.ColumnExpression(c) for c in keys or columns]

"""Python's view of a Spark warehouse: DuckDB over the Parquet files Spark wrote.

On the Spark target (docs/scale-out.md) dbt writes every table as Parquet under
`<home>/spark-warehouse/<schema>.db/<table>/` (a partitioned one in folders per
`cycle_date=`), and the connectors' tables are published under `<home>/lake`. The
steps that read the warehouse (gates, exports, statements, run summaries) read them
through an in-memory DuckDB connection on which each dbt model, seed and landed
table is a view of the same name: the same queries run on both engines, and no JVM
is started in Dagster's process. A table Spark holds no file of yet (an empty
partitioned or ledger table) is an empty view of its contract's columns.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from connectors.lake import landed_tables
from connectors.validate import q
from connectors.warehouse import memory_limit
from orchestration import dbt_runner


def connect(warehouse: Path, lake: Path) -> duckdb.DuckDBPyConnection:
    """A read-only view of the Spark warehouse `warehouse` and the landed tables in
    `lake`."""
    con = duckdb.connect(config={"memory_limit": memory_limit()})
    tables = [
        (schema, name, warehouse / f"{schema}.db" / name, columns)
        for schema, name, columns in _dbt_tables()
    ]
    tables += [(schema, name, lake / schema / name, {}) for schema, name in landed_tables()]
    for schema, name, folder, columns in tables:
        relation = f"{q(schema)}.{q(name)}"
        con.execute(f"create schema if not exists {q(schema)}")
        if any(folder.rglob("*.parquet")):
            con.execute(
                f"create view {relation} as select * from "
                f"read_parquet({_literal(folder / '**' / '*.parquet')}, hive_partitioning = true)"
            )
        elif columns:
            typed = ", ".join(
                f"cast(null as {kind}) as {q(column)}" for column, kind in columns.items()
            )
            con.execute(f"create view {relation} as select {typed} where false")
    return con


def _literal(path: Path) -> str:
    """`path` as a SQL string, quoted by DuckDB (a view's text cannot take parameters;
    the connection's cursors, which the statements' workers use, see no variables)."""
    return str(duckdb.ConstantExpression(str(path)))


def _dbt_tables() -> list[tuple[str, str, dict[str, str]]]:
    """(schema, table, {column: type} where typed, from the project's contracts) of
    every model and seed."""
    return [
        (
            node["schema"],
            node["alias"],
            {
                name: column["data_type"]
                for name, column in node["columns"].items()
                if column.get("data_type")
            },
        )
        for node in dbt_runner.manifest_nodes()
        if node["resource_type"] in ("model", "seed")
    ]

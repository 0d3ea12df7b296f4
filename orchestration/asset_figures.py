"""What a person asks first of a table a run built, as Dagster metadata: how many rows
it holds for the run's cycle or day, and the totals of its money columns.

A model says what to count in its yml (`config: meta: figures:`): `rows_of`, the
column that dates a row (by default the run's own, `cycle_date` or `as_of`, where the
table has it), and `totals`, the columns to add up. A table without a dating column
is counted whole. On Spark (orchestration/spark_tables.py) a table with no rows and
no contract leaves no file to read: it shows 0 rows and no totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import duckdb
from dagster import MetadataValue

from connectors.validate import q

ROW_COUNT = "dagster/row_count"


def figures(
    con: duckdb.DuckDBPyConnection, nodes: Iterable[dict], dated: str, day: date
) -> dict[str, dict]:
    """By unique_id, the metadata of each dbt model in `nodes` (manifest entries):
    its rows where `dated` (or the model's own `rows_of`) is `day`, and its totals."""
    return {
        node["unique_id"]: _figures(con, node, dated, day)
        for node in nodes
        if node["resource_type"] in ("model", "seed")
    }


def _figures(con: duckdb.DuckDBPyConnection, node: dict, dated: str, day: date) -> dict:
    wanted = node["config"].get("meta", {}).get("figures", {})
    columns = node["columns"]
    rows_of = wanted.get("rows_of", dated if dated in columns else None)
    totals = wanted.get("totals", [])
    try:
        table = con.table(f"{q(node['schema'])}.{q(node['alias'])}")
    except duckdb.CatalogException:  # on Spark, an empty table has no file to read
        return {ROW_COUNT: 0}
    if rows_of:
        table = table.filter(duckdb.ColumnExpression(rows_of) == duckdb.ConstantExpression(day))
    count, *sums = table.aggregate(
        [
            duckdb.FunctionExpression("count", duckdb.StarExpression()),
            *(duckdb.FunctionExpression("sum", duckdb.ColumnExpression(c)) for c in totals),
        ]
    ).fetchall()[0]
    metadata = {ROW_COUNT: count}
    if rows_of:
        metadata["rows_of"] = f"{rows_of} = {day.isoformat()}"
    for column, total in zip(totals, sums, strict=True):
        metadata[f"total {column}"] = MetadataValue.text(_amount(total))
    return metadata


def _amount(total: Decimal | None) -> str:
    """An exact sum with thousands separators (none of an empty table: 0)."""
    return f"{Decimal(0) if total is None else total:,}"

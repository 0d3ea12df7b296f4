"""Write a cycle's exports: CSV and Parquet with the same columns and rows.

What each file holds (its columns, order, money total, and which rows are a cycle's
or a day's) is a dbt model of models/exports, with an enforced contract; this module
only writes them.

Files are written to a temporary name and renamed, so a reader never sees half a
file, and writing the same cycle again produces byte-identical files. In the CSV,
text a spreadsheet would run as a formula is written with a leading `'`, and in the
finance files (meta `money_in`: the column naming each row's currency) an amount in a
currency without a minor unit (KRW) is written without decimals, as an ERP imports
it; the Parquet keeps every value as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from connectors.validate import q
from expectations.exports import ExportedFile
from orchestration import dbt_runner

# The tags of the export models (models/exports): the cycle's files, its finance
# reports, and the daily collections run's files.
CYCLE, REPORT, DAILY = "export_cycle", "export_report", "export_daily"
# The tag of the e-tax invoices' model (invoice_renderer/etax.py writes its rows).
ETAX = "etax"
# Rows an export holds in memory at a time (one Parquet row group each).
BATCH_ROWS = 1_000_000
# Text a spreadsheet reads as a formula (or as the start of one).
FORMULA_START = r"^[=+\-@\t\r]"
# What a CSV starts with for Excel (setting csv_byte_order_mark): without it, a Korean
# Windows reads the file as CP949 and shows Hangul as garbage.
BYTE_ORDER_MARK = "\ufeff".encode()


@dataclass(frozen=True)
class Export:
    """One export: the rows of `relation` whose `date_column` is the cycle or day
    written (all of them, for a report as of that close), `columns` in file order,
    ordered by `order_by`; `total_column` is its money total."""

    name: str
    relation: str
    columns: tuple[str, ...]
    order_by: tuple[str, ...]
    total_column: str | None = None
    date_column: str | None = None
    upper_case_header: bool = False
    money_in: str | None = None  # the column of each row's currency, for whole units


def _export(node: dict) -> Export:
    """The export a model of models/exports describes (its yml's meta `export`)."""
    spec = node["config"]["meta"]["export"]
    return Export(
        name=node["alias"],
        relation=f"{q(node['schema'])}.{q(node['alias'])}",
        columns=tuple(
            name
            for name, column in node["columns"].items()
            if column.get("meta", {}).get("in_file", True)
        ),
        order_by=tuple(spec["order_by"]),
        total_column=spec.get("total"),
        date_column=spec.get("rows_of"),
        upper_case_header=spec.get("header") == "upper",
        money_in=spec.get("money_in"),
    )


def _models() -> list[dict]:
    """The models of the parsed project."""
    return [node for node in dbt_runner.manifest_nodes() if node["resource_type"] == "model"]


def exports_tagged(tag: str) -> tuple[Export, ...]:
    """The exports the dbt models tagged `tag` define, by name."""
    nodes = [node for node in _models() if tag in node["tags"]]
    return tuple(sorted((_export(node) for node in nodes), key=lambda e: e.name))


def views_tagged(*tags: str) -> dict[str, tuple[str, str]]:
    """The models tagged any of `tags`, each with its relation (schema, name)."""
    return {
        node["name"]: (node["schema"], node["alias"])
        for node in _models()
        if set(tags) & set(node["tags"])
    }


@dataclass(frozen=True)
class Written:
    name: str
    rows: int
    total: str | None
    csv: Path
    parquet: Path


def write_daily_exports(
    con: duckdb.DuckDBPyConnection, as_of: date, out_dir: Path, byte_order_mark: bool = True
) -> list[Written]:
    """Write what the collections run of `as_of` sent, and its revenue assurance
    report, under `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_export(con, export, as_of, out_dir, byte_order_mark)
        for export in exports_tagged(DAILY)
    ]


def exported_files(cycle_date: date, out_dir: Path) -> list[ExportedFile]:
    """The files write_exports writes for `cycle_date`, with the relations they hold."""
    files = []
    for folder, tag in ((out_dir, CYCLE), (out_dir / "reports", REPORT)):
        for export in exports_tagged(tag):
            where = f"where {q(export.date_column)} = $cycle" if export.date_column else ""
            total = export.total_column
            files.append(
                ExportedFile(
                    export.name,
                    folder / f"{export.name}.csv",
                    folder / f"{export.name}.parquet",
                    f"(select * from {export.relation} {where}) as source",
                    total.upper() if total and export.upper_case_header else total,
                    total,
                    {"cycle": cycle_date} if export.date_column else {},
                )
            )
    return files


def write_exports(
    con: duckdb.DuckDBPyConnection, cycle_date: date, out_dir: Path, byte_order_mark: bool = True
) -> list[Written]:
    """Write every export of `cycle_date` under `out_dir`, the finance reports as of
    its close under `out_dir/reports`."""
    (out_dir / "reports").mkdir(parents=True, exist_ok=True)
    return [
        write_export(con, export, cycle_date, folder, byte_order_mark)
        for folder, tag in ((out_dir, CYCLE), (out_dir / "reports", REPORT))
        for export in exports_tagged(tag)
    ]


def write_export(
    con, export: Export, day: date, out_dir: Path, byte_order_mark: bool = True
) -> Written:
    """Stream one export into its CSV and Parquet files, a batch at a time: memory holds
    one batch whatever the export's size. The CSV starts with a UTF-8 byte-order mark
    unless `byte_order_mark` is false."""
    columns = ", ".join(
        f"{q(c)} as {q(c.upper())}" if export.upper_case_header else q(c) for c in export.columns
    )
    where = f"where {q(export.date_column)} = $day" if export.date_column else ""
    order_by = ", ".join(q(c) for c in export.order_by)
    whole = _whole_unit_currencies(con) if export.money_in else ()
    batches = con.sql(
        f"select {columns} from {export.relation} {where} order by {order_by}",
        params={"day": day} if export.date_column else None,
    ).to_arrow_reader(BATCH_ROWS)
    csv_path, parquet_path = out_dir / f"{export.name}.csv", out_dir / f"{export.name}.parquet"
    total_column, money_in = export.total_column, export.money_in
    if export.upper_case_header:
        total_column = total_column and total_column.upper()
        money_in = money_in and money_in.upper()
    with (
        _atomic_path(csv_path) as csv_tmp,
        _atomic_path(parquet_path) as parquet_tmp,
        open(csv_tmp, "wb") as csv_file,
    ):
        if byte_order_mark:
            csv_file.write(BYTE_ORDER_MARK)
        rows, total = _write_batches(batches, csv_file, parquet_tmp, total_column, money_in, whole)
    if total_column:
        total = str(total or 0)
    return Written(export.name, rows, total, csv_path, parquet_path)


def _write_batches(
    batches: pa.RecordBatchReader,
    csv_file,
    parquet_path: str,
    total_column: str | None,
    money_in: str | None,
    whole: tuple[str, ...],
):
    """Write each batch to the open CSV and to a Parquet file: (rows, money total)."""
    rows, total = 0, None
    csv_schema = _amounts_as_text(batches.schema) if money_in else batches.schema
    with (
        pacsv.CSVWriter(
            csv_file, csv_schema, write_options=pacsv.WriteOptions(quoting_style="needed")
        ) as csv_out,
        pq.ParquetWriter(parquet_path, batches.schema, compression="zstd") as parquet_out,
    ):
        for batch in batches:
            shown = spreadsheet_safe(batch)  # amounts are numbers there, never escaped
            csv_out.write_batch(whole_units(shown, money_in, whole) if money_in else shown)
            parquet_out.write_batch(batch)
            rows += batch.num_rows
            if total_column:
                subtotal = pc.sum(batch.column(total_column)).as_py() or 0
                total = subtotal if total is None else total + subtotal
    return rows, total


def _whole_unit_currencies(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The currencies without a minor unit (the seed `currencies`: KRW)."""
    rows = con.sql("select currency from settings.currencies where minor_scale = 1").fetchall()
    return tuple(sorted(currency for (currency,) in rows))


def _amounts_as_text(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [
            field.with_type(pa.string()) if pa.types.is_decimal(field.type) else field
            for field in schema
        ]
    )


def whole_units(batch: pa.RecordBatch, money_in: str, whole: tuple[str, ...]) -> pa.RecordBatch:
    """`batch` with every amount as text, without decimals in the rows whose currency
    (column `money_in`) is one of `whole`: KRW 14820, USD 3.54."""
    in_whole = pc.fill_null(
        pc.is_in(batch.column(money_in), value_set=pa.array(whole, pa.string())), False
    )
    columns = []
    for column in batch.columns:
        if pa.types.is_decimal(column.type):
            text = pc.cast(column, pa.string())
            column = pc.if_else(in_whole, pc.replace_substring_regex(text, r"\.0+$", ""), text)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=_amounts_as_text(batch.schema))


def spreadsheet_safe(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with a `'` before every text that begins with `=`, `+`, `-`, `@`, a tab
    or a carriage return, so that a spreadsheet opening the CSV shows it instead of
    running it; numbers are left as they are."""
    columns = []
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, FORMULA_START)
            if pc.any(risky).as_py():  # most columns have none: left as they are
                column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


@contextmanager
def _atomic_path(path: Path) -> Iterator[str]:
    """A temporary path beside `path`, moved onto it once written without error."""
    tmp = path.with_name(path.name + ".tmp")
    yield str(tmp)
    os.replace(tmp, path)

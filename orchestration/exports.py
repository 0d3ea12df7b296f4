"""Write a cycle's exports: CSV and Parquet with the same columns and rows.

Files are written to a temporary name and renamed, so a reader never sees half a
file, and writing the same cycle again produces byte-identical files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Export:
    name: str
    relation: str
    columns: tuple[str, ...]
    order_by: str
    total_column: str | None = None


EXPORTS = (
    Export(
        "invoices",
        "ledger.invoices",
        (
            "invoice_no",
            "account_id",
            "cycle_date",
            "period_start",
            "period_end",
            "issue_date",
            "due_date",
            "currency",
            "supply_amount",
            "vat_amount",
            "rounding_amount",
            "current_charges",
            "previous_balance",
            "payments_and_credits",
            "amount_due",
            "status",
        ),
        "invoice_no",
        "current_charges",
    ),
    Export(
        "invoice_lines",
        "ledger.invoice_lines",
        (
            "invoice_no",
            "line_no",
            "line_type",
            "product_code",
            "description_ko",
            "description_en",
            "quantity",
            "unit_price",
            "amount",
            "service_from",
            "service_to",
            "source_ref",
            "discounts_line_no",
        ),
        "invoice_no, line_no",
        "amount",
    ),
)


@dataclass(frozen=True)
class Written:
    name: str
    rows: int
    total: str | None
    csv: Path
    parquet: Path


def write_exports(con: duckdb.DuckDBPyConnection, cycle_date: date, out_dir: Path) -> list[Written]:
    """Write every export of `cycle_date` under `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [_write(con, export, cycle_date, out_dir) for export in EXPORTS]


def _write(con, export: Export, cycle_date: date, out_dir: Path) -> Written:
    columns = ", ".join(export.columns)
    table = con.sql(
        f"select {columns} from {export.relation} where cycle_date = $cycle "
        f"order by {export.order_by}",
        params={"cycle": cycle_date},
    ).to_arrow_table()
    csv_path, parquet_path = out_dir / f"{export.name}.csv", out_dir / f"{export.name}.parquet"
    _atomic(
        csv_path,
        lambda tmp: pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed")),
    )
    _atomic(parquet_path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
    total = None
    if export.total_column:
        total = str(pc.sum(table.column(export.total_column)).as_py() or 0)
    return Written(export.name, table.num_rows, total, csv_path, parquet_path)


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(str(tmp))
    os.replace(tmp, path)

"""Write a cycle's exports: CSV and Parquet with the same columns and rows.

Files are written to a temporary name and renamed, so a reader never sees half a
file, and writing the same cycle again produces byte-identical files. In the CSV,
text a spreadsheet would run as a formula is written with a leading `'`; the Parquet
keeps every value as it is.
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

from expectations.exports import ExportedFile

# Rows an export holds in memory at a time (one Parquet row group each).
BATCH_ROWS = 1_000_000
# Text a spreadsheet reads as a formula (or as the start of one).
FORMULA_START = r"^[=+\-@\t\r]"


@dataclass(frozen=True)
class Export:
    """One export: the rows of `relation` whose `date_column` is the cycle or day
    written (all of them, for a report as of that close), in a fixed order."""

    name: str
    relation: str
    columns: tuple[str, ...]
    order_by: str
    total_column: str | None = None
    date_column: str | None = "cycle_date"
    upper_case_header: bool = False


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
    Export(
        "credit_notes",
        "ledger.credit_notes",
        (
            "credit_note_no",
            "invoice_no",
            "account_id",
            "issue_date",
            "line_no",
            "reason_code",
            "supply_amount",
            "vat_amount",
            "total",
        ),
        "credit_note_no, line_no",
        "total",
    ),
    Export(
        "journal_entries",
        "accounting.journal_entries",
        (
            "journal_id",
            "line_no",
            "posting_date",
            "fiscal_period",
            "gl_account",
            "debit",
            "credit",
            "currency",
            "source_type",
            "source_id",
            "account_id",
            "memo",
        ),
        "journal_id, line_no",
        "debit",
    ),
    Export(
        "payments_applied",
        "accounting.payments_applied",
        ("payment_ref", "account_id", "invoice_no", "amount_applied", "applied_on"),
        "account_id, payment_ref, invoice_no",
        "amount_applied",
    ),
    Export(
        "quarantine",
        "outputs.quarantine",
        ("feed", "delivery_id", "entity", "row_number", "reason_code", "detail"),
        "feed, delivery_id, entity, row_number, reason_code, detail",
    ),
    Export(
        "gl_interface",
        "accounting.gl_interface",
        (
            "status",
            "ledger_id",
            "accounting_date",
            "currency_code",
            "date_created",
            "created_by",
            "actual_flag",
            "user_je_category_name",
            "user_je_source_name",
            "segment1",
            "segment2",
            "entered_dr",
            "entered_cr",
            "accounted_dr",
            "accounted_cr",
            "reference1",
            "reference4",
            "reference10",
            "reference21",
            "reference22",
            "reference23",
            "group_id",
            "period_name",
        ),
        "reference21, line_no",
        "entered_dr",
        upper_case_header=True,
    ),
)

REPORTS = (
    Export(
        "trial_balance",
        "accounting.trial_balance",
        (
            "fiscal_period",
            "gl_account",
            "gl_account_name",
            "currency",
            "opening_balance",
            "debit",
            "credit",
            "closing_balance",
        ),
        "fiscal_period, gl_account, currency",
        date_column=None,
    ),
    Export(
        "ar_rollforward",
        "accounting.ar_rollforward",
        (
            "account_id",
            "currency",
            "fiscal_period",
            "opening_balance",
            "invoiced",
            "paid",
            "credited",
            "written_off",
            "closing_balance",
        ),
        "fiscal_period, currency, account_id",
        date_column=None,
    ),
    Export(
        "revenue_by_gl",
        "accounting.revenue_by_gl",
        ("fiscal_period", "gl_account", "role", "product_code", "currency", "net_revenue"),
        "fiscal_period, gl_account, product_code, currency",
        "net_revenue",
        date_column=None,
    ),
)


@dataclass(frozen=True)
class Written:
    name: str
    rows: int
    total: str | None
    csv: Path
    parquet: Path


DAILY_EXPORTS = (
    Export(
        "dunning_actions",
        "ledger.dunning_actions",
        ("account_id", "as_of", "stage", "oldest_due_date", "overdue_amount", "action"),
        "account_id, stage_order",
        date_column="as_of",
    ),
    Export(
        "headend_commands",
        "ledger.headend_commands",
        ("command_id", "account_id", "product_code", "action", "effective_at", "reason"),
        "command_id",
        date_column="sent_on",
    ),
    Export(
        "payment_retries",
        "ledger.payment_retries",
        ("retry_id", "account_id", "invoice_no", "amount", "method", "retry_on", "attempt"),
        "retry_id",
        "amount",
        date_column="sent_on",
    ),
    Export(
        "write_offs",
        "ledger.write_offs",
        ("account_id", "written_off_on", "oldest_invoice_no", "amount", "currency", "cycle_date"),
        "account_id",
        "amount",
        date_column="written_off_on",
    ),
    Export(
        "usage_alerts",
        "ledger.usage_alerts",
        ("account_id", "period_start", "threshold", "usage_charges", "raised_at"),
        "account_id, period_start",
        "usage_charges",
        date_column="sent_on",
    ),
    Export(
        "revenue_assurance",
        "collections.revenue_assurance",
        ("account_id", "product_code", "kind", "as_of", "monthly_revenue"),
        "kind, account_id, product_code",
        "monthly_revenue",
        date_column="as_of",
    ),
)


def write_daily_exports(
    con: duckdb.DuckDBPyConnection, as_of: date, out_dir: Path
) -> list[Written]:
    """Write what the collections run of `as_of` sent, and its revenue assurance
    report, under `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_export(con, export, as_of, out_dir) for export in DAILY_EXPORTS]


def exported_files(cycle_date: date, out_dir: Path) -> list[ExportedFile]:
    """The files write_exports writes for `cycle_date`, with the relations they hold."""
    files = []
    for folder, exports in ((out_dir, EXPORTS), (out_dir / "reports", REPORTS)):
        for export in exports:
            where = f"where {export.date_column} = $cycle" if export.date_column else ""
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


def write_exports(con: duckdb.DuckDBPyConnection, cycle_date: date, out_dir: Path) -> list[Written]:
    """Write every export of `cycle_date` under `out_dir`, the finance reports as of
    its close under `out_dir/reports`."""
    (out_dir / "reports").mkdir(parents=True, exist_ok=True)
    return [write_export(con, export, cycle_date, out_dir) for export in EXPORTS] + [
        write_export(con, report, cycle_date, out_dir / "reports") for report in REPORTS
    ]


def write_export(con, export: Export, day: date, out_dir: Path) -> Written:
    """Stream one export into its CSV and Parquet files, a batch at a time: memory holds
    one batch whatever the export's size."""
    columns = ", ".join(
        f'{c} as "{c.upper()}"' if export.upper_case_header else c for c in export.columns
    )
    where = f"where {export.date_column} = $day" if export.date_column else ""
    batches = con.sql(
        f"select {columns} from {export.relation} {where} order by {export.order_by}",
        params={"day": day} if export.date_column else None,
    ).to_arrow_reader(BATCH_ROWS)
    csv_path, parquet_path = out_dir / f"{export.name}.csv", out_dir / f"{export.name}.parquet"
    total_column = export.total_column
    if total_column and export.upper_case_header:
        total_column = total_column.upper()
    rows, total = 0, None
    with (
        _atomic_path(csv_path) as csv_tmp,
        _atomic_path(parquet_path) as parquet_tmp,
        pacsv.CSVWriter(
            csv_tmp, batches.schema, write_options=pacsv.WriteOptions(quoting_style="needed")
        ) as csv_out,
        pq.ParquetWriter(parquet_tmp, batches.schema, compression="zstd") as parquet_out,
    ):
        for batch in batches:
            csv_out.write_batch(spreadsheet_safe(batch))
            parquet_out.write_batch(batch)
            rows += batch.num_rows
            if total_column:
                subtotal = pc.sum(batch.column(total_column)).as_py() or 0
                total = subtotal if total is None else total + subtotal
    if total_column:
        total = str(total or 0)
    return Written(export.name, rows, total, csv_path, parquet_path)


def spreadsheet_safe(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with a `'` before every text that begins with `=`, `+`, `-`, `@`, a tab
    or a carriage return, so that a spreadsheet opening the CSV shows it instead of
    running it; numbers are left as they are."""
    columns = []
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, FORMULA_START)
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


@contextmanager
def _atomic_path(path: Path) -> Iterator[str]:
    """A temporary path beside `path`, moved onto it once written without error."""
    tmp = path.with_name(path.name + ".tmp")
    yield str(tmp)
    os.replace(tmp, path)

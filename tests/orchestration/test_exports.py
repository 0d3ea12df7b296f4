"""Exports are streamed in batches: the files and the total are those of the whole table."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq

from orchestration import exports
from orchestration.exports import Export, write_export


def test_an_export_written_two_rows_at_a_time_holds_every_row_once(tmp_path, monkeypatch):
    monkeypatch.setattr(exports, "BATCH_ROWS", 2)
    con = duckdb.connect()
    con.execute(
        "create table lines as select * from (values "
        "(3, 'C', 3.00::decimal(18, 2)), (1, 'A, Ltd', 1.50), (5, 'E', 6.00), "
        "(2, 'B', 2.00), (4, 'D', 4.00)) as t (line_no, name, amount)"
    )
    export = Export("lines", "lines", ("line_no", "name", "amount"), ("line_no",), "amount")

    written = write_export(con, export, date(2026, 11, 1), tmp_path)

    assert (written.rows, written.total) == (5, "16.50")  # 1.50 + 2 + 3 + 4 + 6
    assert (tmp_path / "lines.csv").read_bytes().decode("utf-8") == (
        '\ufeff"line_no","name","amount"\n1,"A, Ltd",1.50\n2,"B",2.00\n3,"C",3.00\n'
        '4,"D",4.00\n5,"E",6.00\n'
    )
    table = pq.read_table(tmp_path / "lines.parquet")
    amounts = table.column("amount").to_pylist()
    assert amounts == [Decimal(a) for a in ("1.50", "2", "3", "4", "6")]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_csv_starts_with_a_byte_order_mark_for_excel_unless_set_to_plain_utf8(tmp_path):
    con = duckdb.connect()
    con.execute("create table names as select 1 as line_no, '홍길동' as name")
    export = Export("names", "names", ("line_no", "name"), ("line_no",))
    (tmp_path / "excel").mkdir()
    (tmp_path / "plain").mkdir()

    write_export(con, export, date(2026, 11, 1), tmp_path / "excel")
    write_export(con, export, date(2026, 11, 1), tmp_path / "plain", byte_order_mark=False)

    plain = '"line_no","name"\n1,"홍길동"\n'.encode()
    assert (tmp_path / "excel" / "names.csv").read_bytes() == b"\xef\xbb\xbf" + plain
    assert (tmp_path / "plain" / "names.csv").read_bytes() == plain


def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote_in_csv_only(tmp_path):
    con = duckdb.connect()
    texts = ['=HYPERLINK("x")', "+82 10", "-1", "@SUM(A1)", "\tA", "\rB", "A=B", None]
    con.execute(
        "create table memos as select * from unnest(?) with ordinality as t (memo, line_no)",
        [texts],
    )
    con.execute("alter table memos add column amount decimal(18, 2) default -5")
    export = Export("memos", "memos", ("line_no", "memo", "amount"), ("line_no",), "amount")

    write_export(con, export, date(2026, 11, 1), tmp_path)

    with (tmp_path / "memos.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    assert [row[1] for row in rows] == [
        '\'=HYPERLINK("x")',
        "'+82 10",
        "'-1",
        "'@SUM(A1)",
        "'\tA",
        "'\rB",
        "A=B",
        "",
    ]
    assert {row[2] for row in rows} == {"-5.00"}  # numbers stay numbers
    assert pq.read_table(tmp_path / "memos.parquet").column("memo").to_pylist() == texts


def test_every_export_is_a_model_that_names_its_own_columns():
    """The files of outputs.md, each from a model of models/exports whose order, total
    and row choice name its own columns; the file leaves out only what it says."""
    specs = {
        tag: {e.name: e for e in exports.exports_tagged(tag)}
        for tag in (exports.CYCLE, exports.REPORT, exports.DAILY)
    }
    assert {tag: sorted(names) for tag, names in specs.items()} == {
        exports.CYCLE: [
            "ar_subledger",
            "credit_notes",
            "gl_interface",
            "gl_summary",
            "invoice_lines",
            "invoices",
            "journal_entries",
            "payments_applied",
            "quarantine",
        ],
        exports.REPORT: ["ar_rollforward", "revenue_by_gl", "trial_balance"],
        exports.DAILY: [
            "dunning_actions",
            "headend_commands",
            "payment_retries",
            "revenue_assurance",
            "usage_alerts",
            "usage_so_far",
            "write_offs",
        ],
    }
    gl = specs[exports.CYCLE]["gl_interface"]
    assert gl.upper_case_header and gl.columns[:3] == ("status", "ledger_id", "accounting_date")
    lines = specs[exports.CYCLE]["invoice_lines"]
    assert "cycle_date" not in lines.columns and lines.date_column == "cycle_date"
    assert lines.order_by == ("invoice_no", "line_no") and lines.total_column == "amount"
    for export in (e for named in specs.values() for e in named.values()):
        assert export.total_column in (None, *export.columns), export.name
        assert export.relation == f'"exports"."{export.name}"'


def test_a_finance_file_shows_won_without_decimals_and_cents_with_them(tmp_path):
    """KRW has no minor unit: an ERP imports 14820, not 14820.00; a USD amount keeps its
    cents, and the Parquet file keeps every decimal as it is."""
    con = duckdb.connect()
    con.execute("create schema settings")
    con.execute(
        "create table settings.currencies as select * from (values "
        "('KRW', 1), ('USD', 100)) as t (currency, minor_scale)"
    )
    con.execute(
        "create table journal as select * from (values "
        "(1, 'KRW', 14820.00::decimal(18, 2), 0.00::decimal(18, 2)), "
        "(2, 'KRW', 0.00, -3000.00), (3, 'USD', 3.54, 0.00), (4, 'USD', 10.00, 0.00), "
        "(5, 'KRW', 0.50, 0.00)) as t (line_no, currency, debit, credit)"
    )
    export = Export(
        "journal", "journal", ("line_no", "currency", "debit", "credit"), ("line_no",), "debit",
        money_in="currency",
    )  # fmt: skip

    written = write_export(con, export, date(2026, 11, 1), tmp_path, byte_order_mark=False)

    assert written.total == "14834.04"
    assert (tmp_path / "journal.csv").read_text("utf-8") == (
        '"line_no","currency","debit","credit"\n'
        '1,"KRW","14820","0"\n2,"KRW","0","-3000"\n3,"USD","3.54","0.00"\n'
        '4,"USD","10.00","0.00"\n5,"KRW","0.50","0"\n'
    )
    debits = pq.read_table(tmp_path / "journal.parquet").column("debit").to_pylist()
    assert debits == [Decimal(d) for d in ("14820.00", "0.00", "3.54", "10.00", "0.50")]

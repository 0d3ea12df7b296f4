"""The golden scenario: every invoice and every line equals the hand-computed bill.

See tests/golden/README.md for the computation behind each expected figure.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from invoice_renderer import parallel, statements
from orchestration.settings import CablebillHome
from tests.e2e import read_csv

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).parents[1] / "golden"
INVOICE_COLUMNS = (
    "currency",
    "supply_amount",
    "vat_amount",
    "rounding_amount",
    "current_charges",
    "previous_balance",
    "payments_and_credits",
    "amount_due",
    "due_date",
)
LINE_COLUMNS = ("line_type", "product_code", "amount", "discounts_line_no")


@pytest.fixture(scope="module")
def run(golden_run) -> tuple[Path, str]:
    """Billed by the installed executable, as a program of its own: (home, stdout)."""
    return golden_run


@pytest.fixture(scope="module")
def billed(run) -> Path:
    return run[0]


def test_the_summary_adds_up_charges_per_currency_never_across(run):
    """G-accounts bill in won and one in dollars: the hand-computed charges, added up
    per currency, are the summary's total."""
    totals = defaultdict(Decimal)
    for row in read_csv(GOLDEN / "expected_invoices.csv"):
        totals[row["currency"]] += Decimal(row["current_charges"])
    shown = ", ".join(f"{totals[c]:,.2f} {c}" for c in sorted(totals))
    assert f"invoice total:       {shown} (current charges)" in run[1]


def test_every_invoice_matches_the_hand_computed_totals(billed):
    actual = {r["account_id"]: r for r in read_csv(billed / "exports/2026-11-01/invoices.csv")}
    expected = {r["account_id"]: r for r in read_csv(GOLDEN / "expected_invoices.csv")}
    assert sorted(actual) == sorted(expected)  # G27 has no account, G30 bills on the 15th
    for account_id, want in expected.items():
        got = {c: actual[account_id][c] for c in INVOICE_COLUMNS}
        assert got == {c: want[c] for c in INVOICE_COLUMNS}, account_id


def test_every_line_matches_the_hand_computed_lines(billed):
    accounts = {
        r["invoice_no"]: r["account_id"]
        for r in read_csv(billed / "exports/2026-11-01/invoices.csv")
    }
    actual = {
        (accounts[r["invoice_no"]], int(r["line_no"])): {c: r[c] for c in LINE_COLUMNS}
        for r in read_csv(billed / "exports/2026-11-01/invoice_lines.csv")
    }
    expected = {
        (r["account_id"], int(r["line_no"])): {c: r[c] for c in LINE_COLUMNS}
        for r in read_csv(GOLDEN / "expected_lines.csv")
    }
    assert sorted(actual) == sorted(expected)
    for key, want in expected.items():
        assert actual[key] == want, key


def test_every_export_csv_opens_in_excel_with_its_hangul(billed):
    """By default (setting csv_byte_order_mark) each CSV starts with a UTF-8
    byte-order mark, which tells Excel the file is not CP949."""
    folder = billed / "exports" / "2026-11-01"
    files = sorted(folder.rglob("*.csv"))
    assert len(files) >= 12
    assert [p.name for p in files if not p.read_bytes().startswith(b"\xef\xbb\xbf")] == []
    names = {r["gl_account"]: r["gl_account_name"] for r in read_csv(folder / "gl_summary.csv")}
    assert names["110100"] == "외상매출금"


def test_unknown_accounts_wait_in_suspense_and_nothing_else_is_held(billed):
    with duckdb.connect(str(billed / "warehouse.duckdb"), read_only=True) as con:
        suspense = con.execute(
            "select entity, event_id, account_id from marts.usage_suspense"
        ).fetchall()
        quarantined = con.execute("select count(*) from ingest.quarantine").fetchall()[0][0]
    assert suspense == [("vod_purchases", "V-G99-1", "G99")]
    assert quarantined == 0


def _shown(amount, currency: str) -> str:
    """An amount as a reader sees it: ₩ without decimals, $ with cents, sign first."""
    text = f"₩{abs(amount):,.0f}" if currency == "KRW" else f"${abs(amount):,.2f}"
    return f"-{text}" if amount < 0 else text


def _visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("<body>")[1]).split())


def test_every_statement_shows_its_invoice_lines_and_totals_in_html_and_pdf(billed):
    with duckdb.connect(str(billed / "warehouse.duckdb"), read_only=True) as con:
        invoices = con.execute(
            "select i.invoice_no, i.currency, i.previous_balance, i.payments_and_credits, "
            "i.current_charges, i.amount_due, a.language "
            "from ledger.invoices as i join ledger.invoice_accounts as a using (invoice_no)"
        ).fetchall()
        lines = con.execute(
            "select invoice_no, description_ko, description_en, amount from ledger.invoice_lines"
        ).fetchall()
    folder = billed / "statements" / "2026-11-01"
    assert sorted(p.stem for p in folder.glob("INV-*.html")) == sorted(i[0] for i in invoices)
    assert {i[6] for i in invoices} == {"ko", "en"}
    for invoice_no, currency, previous, paid, current, due, language in invoices:
        html = _visible((folder / f"{invoice_no}.html").read_text(encoding="utf-8"))
        pdf = " ".join(
            subprocess.run(
                ["pdftotext", str(folder / f"{invoice_no}.pdf"), "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
        )
        for figure in (previous, paid, current, due):
            assert _shown(figure, currency) in html, (invoice_no, figure)
            assert _shown(figure, currency) in pdf, (invoice_no, figure)
        for number, ko, en, amount in lines:
            if number == invoice_no:
                description = ko if language == "ko" else en
                # the line's text, its service dates, then its amount
                shown = re.escape(_shown(amount, currency))
                assert re.search(re.escape(description) + r" (?:[^₩$]* )?" + shown, html), number
                assert description.split(" (")[0] in pdf, (number, description)
                assert _shown(amount, currency) in pdf, (number, amount)


def test_a_first_invoice_shows_the_balance_taken_over_from_the_previous_system(billed):
    """G31 owed the previous system 20,000 (LEGACY-G31, due Oct 25) and paid 5,000 of
    it: its statement names the balance and shows the 15,000 still unpaid as overdue
    since Oct 25; G32's credit has no reference of its own."""
    invoices = {r["account_id"]: r for r in read_csv(billed / "exports/2026-11-01/invoices.csv")}
    folder = billed / "statements" / "2026-11-01"
    g31 = _visible((folder / f"{invoices['G31']['invoice_no']}.html").read_text("utf-8"))
    g32 = _visible((folder / f"{invoices['G32']['invoice_no']}.html").read_text("utf-8"))
    assert "청구 요약 이전 시스템 잔액 (LEGACY-G31) ₩20,000 납부 및 조정 ₩5,000" in g31
    assert "₩15,000" in g31 and "2026년 10월 25일" in g31
    assert "이전 시스템 잔액 (OB-G32) -₩3,000" in g32


def test_statements_rendered_by_worker_processes_are_those_the_run_wrote(
    billed, tmp_path, monkeypatch
):
    """The run renders a cycle of one batch in its own process; a cycle of several
    batches goes to worker processes, which must write the same bytes."""
    monkeypatch.setattr(statements, "BATCH", 10)
    monkeypatch.setattr(parallel, "BATCH", 10)
    operator = CablebillHome(home=str(billed), inbox=str(GOLDEN / "inbox")).operator
    with duckdb.connect(str(billed / "warehouse.duckdb"), read_only=True) as con:
        count = parallel.write_statements(con, date(2026, 11, 1), tmp_path, operator, workers=2)
    written = sorted(p.name for p in tmp_path.iterdir())
    run_dir = billed / "statements" / "2026-11-01"
    assert count == len(list(run_dir.glob("INV-*.html"))) > 10  # several batches
    assert len(written) == 2 * count  # HTML and PDF
    assert all((tmp_path / n).read_bytes() == (run_dir / n).read_bytes() for n in written)

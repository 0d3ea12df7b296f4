"""The golden scenario: every invoice and every line equals the hand-computed bill.

See tests/golden/README.md for the computation behind each expected figure.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.e2e import cablebill, read_csv

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
def billed(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("golden")
    result = cablebill(
        "run", "--inbox", str(GOLDEN / "inbox"), "--cycle", "2026-11-01", "--home", str(home)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return home


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


def test_unknown_accounts_wait_in_suspense_and_nothing_else_is_held(billed):
    with duckdb.connect(str(billed / "warehouse.duckdb"), read_only=True) as con:
        suspense = con.execute(
            "select entity, event_id, account_id from marts.usage_suspense"
        ).fetchall()
        quarantined = con.execute("select count(*) from ingest.quarantine").fetchall()[0][0]
    assert suspense == [("vod_purchases", "V-G99-1", "G99")]
    assert quarantined == 0

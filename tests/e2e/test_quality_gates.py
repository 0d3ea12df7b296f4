"""The quality gates stop a bill run on bad data, say why, and pass once it is fixed.

Each test feeds data that breaks one gate and checks that the run fails naming the
gate and the offending rows, that nothing downstream was written (no invoice
closed, no export, no statement), that the Data Docs show the validation, and that
the run passes once the data is put right.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.deliveries import usage_extract, write_delivery
from tests.e2e import cablebill
from tests.e2e.test_bill_run import _inbox, cms_snapshot
from tests.e2e.test_multi_cycle import _cms

pytestmark = pytest.mark.slow


def _run(inbox: Path, home: Path, cycle: str = "2026-11-01", *flags: str):
    return cablebill("run", "--inbox", str(inbox), "--cycle", cycle, "--home", str(home), *flags)


def _closed_invoices(home: Path) -> int:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'ledger' and table_name = 'invoices'"
        ).fetchall()[0][0]
        return con.execute("select count(*) from ledger.invoices").fetchall()[0][0] if exists else 0


def _assert_blocked(result, home: Path, cycle: str, *words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"bill run {cycle} FAILED" in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert not (home / "exports" / cycle).exists()
    assert not (home / "statements" / cycle).exists()
    docs = home / "quality" / cycle / "index.html"
    assert docs.exists() and str(docs) in result.stderr


def test_a_missing_usage_feed_blocks_billing_until_it_arrives(inbox, home):
    write_delivery(inbox, "cms", "20261101-0001", cms_snapshot())  # no headend delivery
    blocked = _run(inbox, home)
    _assert_blocked(
        blocked, home, "2026-11-01", "BLOCKED by feeds_complete", "period_not_covered", "headend"
    )
    assert _closed_invoices(home) == 0

    usage_extract(inbox, "20261101-0001")
    passed = _run(inbox, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "quality gates:" in passed.stdout and "BLOCKED" not in passed.stdout
    assert _closed_invoices(home) == 2


def test_a_truncated_delivery_blocks_billing_until_it_is_delivered_whole(inbox, home):
    _inbox(inbox)
    settlements = [
        {
            "txn_id": f"T-{n}",
            "account_id": "A1",
            "amount": 1000,
            "currency": "KRW",
            "status": "approved",
            "method": "card",
            "processed_at": "2026-10-20T10:00:00+09:00",
        }
        for n in (1, 2)
    ]
    folder = write_delivery(
        inbox, "payments", "20261101-0001", {"card_settlements.csv": settlements}
    )
    whole = (folder / "card_settlements.csv").read_bytes()
    (folder / "card_settlements.csv").write_bytes(whole[: whole.rindex(b"T-2")])  # cut short
    blocked = _run(inbox, home)
    _assert_blocked(
        blocked, home, "2026-11-01", "BLOCKED by feeds_complete", "deliveries_refused", "payments"
    )

    (folder / "card_settlements.csv").write_bytes(whole)
    passed = _run(inbox, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _closed_invoices(home) == 2


def test_a_revenue_jump_blocks_the_close_until_it_is_accepted(inbox, home):
    small = ("--set", "anomaly_min_invoices=1")
    _inbox(inbox)
    assert _run(inbox, home, "2026-11-01", *small).returncode == 0  # 34,380 billed

    # December: A1 buys a 100,000 title; both accounts are billed as before
    _cms(inbox, "20261201-0001", "2026-12-01T01:00:00+09:00")
    write_delivery(
        inbox,
        "headend",
        "20261201-0001",
        {
            "vod_purchases.csv": [
                {
                    "event_id": "V-BIG",
                    "account_id": "A1",
                    "title_id": "BOX",
                    "purchase_type": "purchase",
                    "price_tier": "premium",
                    "list_price": 100000,
                    "event_ts": "2026-11-15T20:00:00+09:00",
                }
            ]
        },
        extracted_at="2026-12-01T02:00:00+09:00",
    )
    blocked = _run(inbox, home, "2026-12-01", *small)
    _assert_blocked(
        blocked,
        home,
        "2026-12-01",
        "BLOCKED by cycle_totals",
        "charges_change_pct",
        "warning from bill_jumps",
        "'account_id': 'A1'",
    )
    assert _closed_invoices(home) == 2  # November's only

    # reviewed and accepted: the operator widens the tolerance for this run
    accepted = _run(inbox, home, "2026-12-01", *small, "--set", "anomaly_tolerance_pct=1000")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "warning from bill_jumps" in accepted.stdout
    assert _closed_invoices(home) == 4


def test_a_doubled_usage_file_blocks_billing_until_it_is_reviewed(inbox, home):
    _inbox(inbox)
    usage = [
        {
            "record_id": f"R{n}",
            "account_id": "A1",
            "usage_start": f"2026-10-{n:02d}T10:00:00+09:00",
            "usage_end": f"2026-10-{n:02d}T11:00:00+09:00",
            "bytes_down": 1000,
            "bytes_up": 10,
        }
        for n in range(1, 16)
    ]
    write_delivery(
        inbox,
        "headend",
        "20261101-0002",
        {"data_usage.csv": usage + usage},  # the file's rows twice over
        extracted_at="2026-11-01T03:00:00+09:00",
    )
    blocked = _run(inbox, home)
    _assert_blocked(
        blocked,
        home,
        "2026-11-01",
        "BLOCKED by feeds_complete",
        "quarantine_share",
        "'entity': 'headend.data_usage'",
        "'rows_quarantined': 15",
    )
    # reviewed: the repeats are exact duplicates, quarantined, each record counted once
    accepted = _run(inbox, home, "2026-11-01", "--set", "max_quarantine_share=0.5")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from staging.stg_headend__data_usage").fetchall() == [
            (15,)
        ]


def test_an_invoice_edited_in_the_ledger_stops_the_journal_and_exports(inbox, home):
    _inbox(inbox)
    assert _run(inbox, home).returncode == 0
    exports = home / "exports" / "2026-11-01"
    before = {p.name: p.read_bytes() for p in exports.iterdir() if p.is_file()}

    tamper = (
        "update ledger.invoices set current_charges = current_charges + {} where account_id = 'A1'"
    )
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute(tamper.format(1000))
    blocked = _run(inbox, home)
    assert blocked.returncode == 1
    for word in ("BLOCKED by ledger_integrity", "lines_gap", "INV-2026-00000001"):
        assert word in blocked.stderr, blocked.stderr
    assert {p.name: p.read_bytes() for p in exports.iterdir() if p.is_file()} == before

    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute(tamper.format(-1000))
    assert _run(inbox, home).returncode == 0

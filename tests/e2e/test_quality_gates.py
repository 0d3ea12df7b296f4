"""The quality gates stop a bill run on bad data, say why, and pass once it is fixed.

Each test feeds data that breaks one gate and checks that the run fails naming the
gate and the offending rows, that nothing downstream was written (no invoice
closed, no export, no statement), that the Data Docs show the validation, and that
the run passes once the data is put right. After the feeds' gate, a block followed by
a whole bill run is shown once (missing feeds); the other feed tests show the block
lifted with a preview, which runs the same gates on the same drafts without the close.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.dbt_in_process import dbt
from tests.deliveries import quiet_extracts, usage_extract, write_delivery
from tests.e2e import cablebill
from tests.e2e.test_bill_run import _inbox, cms_snapshot
from tests.e2e.three_cycles import cms_delivery

pytestmark = pytest.mark.slow


def _run(inbox: Path, home: Path, cycle: str = "2026-11-01", *flags: str):
    return cablebill(
        "run", "--inbox", str(inbox), "--cycle", cycle, "--home", str(home), "--no-pdf", *flags
    )


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
    # the run's own failure says why in plain words, not Dagster's "a check failed"
    assert "Nothing this gate guards was run" in result.stderr
    assert "DagsterAssetCheckFailedError" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert not (home / "exports" / cycle).exists()
    assert not (home / "statements" / cycle).exists()
    docs = home / "quality" / cycle / "index.html"
    assert docs.exists() and str(docs) in result.stderr


def _assert_passed_preview(result, home: Path, accounts: int) -> None:
    """The cycle's gates passed and its drafts were built: a preview, nothing closed."""
    assert result.returncode == 0, result.stdout + result.stderr
    assert "preview 2026-11-01 done" in result.stdout
    assert f"accounts billed:     {accounts}" in result.stdout
    assert "BLOCKED" not in result.stdout + result.stderr
    assert _closed_invoices(home) == 0


def test_missing_feeds_block_billing_until_they_arrive(inbox, home):
    write_delivery(inbox, "cms", "20261101-0001", cms_snapshot())  # nothing else delivered
    quiet_extracts(inbox, "20261101-0001", feeds=("crm",))
    blocked = _run(inbox, home)
    _assert_blocked(
        blocked,
        home,
        "2026-11-01",
        "BLOCKED by feeds_complete",
        "period_not_covered",
        "not_delivered_since_last_run",
        "'feed': 'headend'",
        "'feed': 'payments'",
    )
    assert "'feed': 'crm'" not in blocked.stderr
    assert _closed_invoices(home) == 0

    usage_extract(inbox, "20261101-0001")
    quiet_extracts(inbox, "20261101-0001", feeds=("payments",))
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
        inbox, "payments", "20261101-0002", {"card_settlements.csv": settlements}
    )
    whole = (folder / "card_settlements.csv").read_bytes()
    (folder / "card_settlements.csv").write_bytes(whole[: whole.rindex(b"T-2")])  # cut short
    blocked = _run(inbox, home)
    _assert_blocked(
        blocked, home, "2026-11-01", "BLOCKED by feeds_complete", "deliveries_refused", "payments"
    )

    (folder / "card_settlements.csv").write_bytes(whole)
    _assert_passed_preview(_run(inbox, home, "2026-11-01", "--preview"), home, accounts=2)


def test_a_revenue_jump_blocks_the_close_until_ops_accept_it_with_a_reason(first_cycle):
    small = ("--set", "anomaly_min_invoices=1")
    inbox, home = first_cycle  # November closed: 34,380 billed

    # December: A1 buys a 100,000 title; both accounts are billed as before
    cms_delivery(inbox, "20261201-0001", "2026-12-01T01:00:00+09:00")
    quiet_extracts(inbox, "20261201-0001", "2026-12-01T02:00:00+09:00")
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
        "charges_beyond_tolerance",
        "'charges_change_pct':",
        "warning from bill_jumps",
        "'account_id': 'A1'",
    )
    assert _closed_invoices(home) == 2  # November's only

    # an override needs a reason, and only anomaly gates can be overridden
    assert _run(inbox, home, "2026-12-01", "--override", "cycle_totals").returncode == 2
    refused = _run(inbox, home, "2026-12-01", "--override", "feeds_complete", "--reason", "x")
    assert refused.returncode == 2 and "invalid choice: 'feeds_complete'" in refused.stderr

    # reviewed and accepted for this run: the reason is kept with the closed cycle
    reason = "box-set purchase confirmed with the customer (ticket TK-9)"
    accepted = _run(
        inbox, home, "2026-12-01", *small, "--override", "cycle_totals", "--reason", reason
    )
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "warning from cycle_totals" in accepted.stdout
    assert f"overridden for this run: {reason}" in accepted.stdout
    assert "warning from bill_jumps" in accepted.stdout
    assert _closed_invoices(home) == 4
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute(
            "select cycle_date::varchar, gate, reason from ledger.gate_overrides"
        ).fetchall() == [("2026-12-01", "cycle_totals", reason)]


def test_a_doubled_usage_file_blocks_billing_until_it_is_reviewed(inbox, home):
    _inbox(inbox)
    usage = [
        {
            "record_id": f"R{n}",
            "account_id": "A1",
            "usage_start": f"2026-10-{n % 30 + 1:02d}T{n // 30 + 10}:00:00+09:00",
            "usage_end": f"2026-10-{n % 30 + 1:02d}T{n // 30 + 10}:30:00+09:00",
            "bytes_down": 1000,
            "bytes_up": 10,
        }
        for n in range(1, 61)
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
        "'rows_quarantined': 60",
    )
    # reviewed: the repeats are exact duplicates, quarantined, each record counted once
    accepted = _run(inbox, home, "2026-11-01", "--preview", "--set", "max_quarantine_share=0.5")
    _assert_passed_preview(accepted, home, accounts=2)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from staging.stg_headend__data_usage").fetchall() == [
            (60,)
        ]


def test_an_invoice_edited_in_the_ledger_stops_the_journal_and_exports(first_cycle):
    inbox, home = first_cycle
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


def test_a_refused_delivery_dismissed_by_ops_with_a_reason_no_longer_blocks(inbox, home):
    _inbox(inbox)
    folder = write_delivery(inbox, "crm", "20261101-0002", {"adjustments.csv": []})
    (folder / "_manifest.json").write_text("{not json")
    blocked = _run(inbox, home)
    _assert_blocked(blocked, home, "2026-11-01", "deliveries_refused", "'feed': 'crm'")

    unsaid = cablebill(
        "dismiss", "--home", str(home), "--feed", "crm", "--delivery", "20261101-0002",
        "--reason", "",
    )  # fmt: skip
    assert unsaid.returncode == 2 and "needs a reason" in unsaid.stderr
    reason = "CRM re-sent the day's tickets as 20261101-0001"
    dismissed = cablebill(
        "dismiss", "--home", str(home), "--feed", "crm", "--delivery", "20261101-0002",
        "--reason", reason,
    )  # fmt: skip
    assert dismissed.returncode == 0, dismissed.stderr
    assert "crm/20261101-0002 dismissed at" in dismissed.stdout and reason in dismissed.stdout
    _assert_passed_preview(_run(inbox, home, "2026-11-01", "--preview"), home, accounts=2)


def test_an_unbalanced_journal_fails_its_gate_in_front_of_the_exports(first_cycle):
    """The journal is built from the closed ledger after every close; its dbt test
    `journals_balance` is a blocking check of `accounting/journal_entries`, upstream of
    the exports (tests/orchestration/test_definitions.py)."""
    _, home = first_cycle
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute(
            "update accounting.journal_entries set credit = credit + 1 "
            "where journal_id = 'INV:INV-2026-00000001' and line_no = 2"
        )
    checked, printed = dbt(
        home / "warehouse.duckdb", "test", "--select", "test_name:journals_balance"
    )
    assert not checked.success
    assert len(checked.failed) == 1
    assert checked.failed[0].startswith("journals_balance_journal_entries_")
    assert "Got 1 result" in printed


def test_a_blocked_run_shows_its_times_in_the_operator_time_zone(inbox, home):
    write_delivery(inbox, "cms", "20261101-0001", cms_snapshot())
    quiet_extracts(inbox, "20261101-0001")
    usage_extract(inbox, "20261031-0001", extracted_at="2026-10-31T23:00:00+09:00")  # too early
    blocked = _run(inbox, home)
    _assert_blocked(blocked, home, "2026-11-01", "BLOCKED by feeds_complete", "period_not_covered")
    assert "'latest_extracted_at': '2026-10-31 23:00:00+09:00'" in blocked.stderr

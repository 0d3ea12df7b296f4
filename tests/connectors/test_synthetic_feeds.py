"""Synthetic feeds follow the contract, are the same for a seed, and plant bad rows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from connectors.ingest import ingest_inbox
from connectors.synthetic import generate
from tests.deliveries import OPERATOR_TIMEZONE

CYCLE = date(2026, 11, 1)


def _manifests(inbox: Path) -> dict[str, dict]:
    return {
        str(p.parent.relative_to(inbox)): json.loads(p.read_text())["files"]
        for p in sorted(inbox.rglob("_manifest.json"))
    }


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    generate(tmp_path / "a", 300, seed=5, cycle=CYCLE)
    generate(tmp_path / "b", 300, seed=5, cycle=CYCLE)
    generate(tmp_path / "c", 300, seed=6, cycle=CYCLE)
    assert _manifests(tmp_path / "a") == _manifests(tmp_path / "b")
    assert _manifests(tmp_path / "a") != _manifests(tmp_path / "c")


def test_every_feed_and_entity_is_delivered_and_loads(tmp_path):
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    generate(inbox, 3000, seed=11, cycle=CYCLE)
    manifests = _manifests(inbox)
    delivered = {name.split(".")[0] for files in manifests.values() for name in files}
    assert len(delivered) == 19  # every entity of every feed
    report = ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    assert [d.status for d in report.deliveries] == ["loaded"] * 5
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        reasons = dict(
            con.execute("select reason_code, count(*) from ingest.quarantine group by 1").fetchall()
        )
        names = con.execute("select name from raw.accounts limit 50").fetchall()
        languages = dict(
            con.execute("select language, count(*) from raw.accounts group by 1").fetchall()
        )
        business = con.execute(
            "select count(*) from raw.accounts where customer_type = 'business'"
        ).fetchone()[0]
    # The planted problems, and nothing else: the clean rows all load.
    assert set(reasons) == {"bad_timestamp", "duplicate_key", "unknown_account", "pii_card_number"}
    assert report.rows_quarantined < report.rows_loaded * 0.005
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in n) for (n,) in names)  # Hangul
    assert languages["ko"] > languages["en"] > 0
    assert business > 0  # with checksum-valid registration numbers, or they'd quarantine


def test_go_live_hands_over_opening_balances_that_most_accounts_paid(tmp_path):
    """The previous system's last bill of each account with a subscription is its
    opening balance, due in the period; most paid exactly that in the period (a
    declined card, a failed auto-debit or a giro account did not), a few were in
    credit."""
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    generate(inbox, 2000, seed=3, cycle=CYCLE)
    ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        ((owed, in_credit, dated),) = con.execute(
            "select count(*) filter (where amount > 0), count(*) filter (where amount < 0), "
            "bool_and(as_of = date '2026-10-31' and due_date = date '2026-10-21') "
            "from raw.opening_balances"
        ).fetchall()
        ((paid_exactly, paid_otherwise),) = con.execute(
            """
            with paid as (
                select account_id, amount from raw.card_settlements where status = 'approved'
                union all
                select account_id, amount from raw.autodebit_results where result = 'success'
                union all
                select a.account_id, d.amount from raw.va_deposits as d
                join raw.accounts as a using (virtual_account_no)
            )
            select count(*) filter (where paid.amount = o.amount),
                   count(*) filter (where paid.amount <> o.amount)
            from paid join raw.opening_balances as o using (account_id)
            """
        ).fetchall()
    assert dated
    assert in_credit > 0 and owed > 1500
    assert paid_otherwise == 0
    assert 0.7 * owed < paid_exactly < 0.99 * owed

"""Synthetic feeds follow the contract, are the same for a seed, and plant bad rows."""

from __future__ import annotations

import csv
import itertools
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from connectors.ingest import ingest_inbox
from connectors.synthetic import generate
from connectors.synthetic.generate import add_months
from tests.deliveries import OPERATOR_TIMEZONE

CYCLE = date(2026, 11, 1)
PLANTED = {"bad_timestamp", "duplicate_key", "unknown_account", "pii_card_number"}


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
    assert set(reasons) == PLANTED
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


def _csv(folder: Path, entity: str) -> list[dict]:
    with (folder / f"{entity}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_months_carry_on_the_same_accounts_changed_as_months_change_them(tmp_path):
    """Three months of 3,000 accounts: each month's snapshot keeps every account of the
    one before, a few join; plans change, customers leave (some inside a contract, some
    entered after the period they left in), pause, swap a device; event ids never
    repeat across months; a few percent of accounts have an outage long enough to be
    credited; VOD titles read like a catalogue's."""
    feeds = tmp_path / "feeds"
    generate(feeds, 3000, seed=8, cycle=date(2026, 9, 1), months=3)
    snapshots = [feeds / "cms" / f"2026{m:02d}01-0001" for m in (9, 10, 11)]
    accounts = [{r["account_id"]: r for r in _csv(s, "accounts")} for s in snapshots]
    assert len(accounts[0]) == 3000
    for before, after in itertools.pairwise(accounts):
        joined = set(after) - set(before)
        assert set(before) <= set(after) and 20 < len(joined) < 60
    subscriptions = {r["subscription_id"]: r for r in _csv(snapshots[2], "subscriptions")}
    first = {r["subscription_id"]: r for r in _csv(snapshots[0], "subscriptions")}
    ended = [
        s
        for s in subscriptions.values()
        if s["end_date"] and not first.get(s["subscription_id"], {}).get("end_date")
    ]
    inside_contract = [
        s
        for s in ended
        if s["contract_months"]
        and s["end_date"]
        < add_months(
            date.fromisoformat(s["contract_start_date"]), int(s["contract_months"])
        ).isoformat()
    ]
    entered_late = [s for s in ended if s["end_date"] < "2026-10-01"]
    assert len(ended) > 60 and inside_contract and entered_late
    assert any(s["discount_granted_before"] for s in subscriptions.values())
    statuses = {r["status"] for r in accounts[2].values()}
    assert statuses == {"active", "suspended", "terminated"}
    devices = _csv(snapshots[2], "devices")
    assert any(d["returned_at"] for d in devices) and any(
        "-1" in d["device_serial"] for d in devices
    )
    orders = {r["product_code"] for r in _csv(snapshots[2], "orders")}
    assert {"FEE-INSTALL", "FEE-REPLACE"} <= orders
    event_ids = []
    for month in ("20260901", "20261001", "20261101"):
        headend = feeds / "headend" / f"{month}-0001"
        vod = _csv(headend, "vod_purchases")
        event_ids += [r["event_id"] for r in vod if r["event_id"]]
        usage = _csv(headend, "data_usage")
        event_ids += [r["record_id"] for r in usage]
        credited = {r["account_id"] for r in _csv(headend, "outages") if r["account_id"]}
        assert 0.01 * 3000 < len(credited) < 0.04 * 3000
        regional = [r for r in _csv(headend, "outages") if not r["account_id"]]
        assert regional and all(
            datetime.fromisoformat(r["ended_at"]) - datetime.fromisoformat(r["started_at"])
            < timedelta(days=5)
            for r in regional
        )
        titles = {r["title_name"] for r in vod if r["title_id"]}
        assert not any(name.startswith("영화 ") and name[3:].isdigit() for name in titles)
    planted_twice = len(event_ids) - len(set(event_ids))
    assert planted_twice < 20  # only the planted duplicates within a file
    # every month loads; only the planted rows are quarantined, no id as a card number
    home = tmp_path / "home"
    report = ingest_inbox(feeds, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    assert {d.status for d in report.deliveries} == {"loaded"}
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        quarantined = con.execute("select reason_code, detail from ingest.quarantine").fetchall()
    assert {reason for reason, _ in quarantined} <= PLANTED
    as_cards = [d for r, d in quarantined if r == "pii_card_number" and "_id:" in d]
    assert not as_cards

"""Opening balances from the previous billing system: optional in a cms snapshot, a
credit allowed, and one balance per account whatever is delivered later."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from connectors.ingest import ingest_inbox
from tests.deliveries import OPERATOR_TIMEZONE, account, product, write_delivery


def _opening(account_id: str, amount: str, currency: str = "KRW", **overrides) -> dict:
    return {
        "account_id": account_id,
        "amount": amount,
        "currency": currency,
        "as_of": "2026-10-31",
        "due_date": "2026-10-25",
        "legacy_ref": f"L-{account_id}",
    } | overrides


def _cms(inbox: Path, delivery_id: str, extracted_at: str, opening: list[dict] | None):
    files = {
        "accounts.csv": [account("A1"), account("A2"), account("A3")],
        "products.csv": [product("BASE", 10000)],
    }
    if opening is not None:
        files["opening_balances.csv"] = opening
    folder = write_delivery(inbox, "cms", delivery_id, files, extracted_at=extracted_at)
    if opening is None:  # a snapshot from a system that has no balances to hand over
        (folder / "opening_balances.csv").unlink()
        manifest = folder / "_manifest.json"
        doc = json.loads(manifest.read_text())
        del doc["files"]["opening_balances.csv"]
        manifest.write_text(json.dumps(doc))


def _ingest(inbox: Path, home: Path):
    return ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE).deliveries


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_snapshot_may_leave_out_opening_balances(inbox, home):
    _cms(inbox, "20261101-0001", "2026-11-01T01:00:00+09:00", None)

    (result,) = _ingest(inbox, home)

    assert result.status == "loaded", result
    assert _rows(home, "select count(*) from raw.opening_balances") == [(0,)]


def test_a_later_delivery_cannot_give_an_account_a_second_balance(inbox, home):
    """A1 owed 30,000 and A2 had a credit of 1,500 at go-live. The next snapshot gives
    A1 31,000 (quarantined, naming the first), A2 the same credit again (loaded: one
    balance), and A3 a balance in USD, not its currency (quarantined)."""
    _cms(
        inbox,
        "20261101-0001",
        "2026-11-01T01:00:00+09:00",
        [_opening("A1", "30000"), _opening("A2", "-1500")],
    )
    _cms(
        inbox,
        "20261102-0001",
        "2026-11-02T01:00:00+09:00",
        [_opening("A1", "31000"), _opening("A2", "-1500"), _opening("A3", "10", "USD")],
    )

    results = _ingest(inbox, home)

    assert [r.status for r in results] == ["loaded", "loaded"]
    assert _rows(
        home,
        "select _delivery_id, account_id, amount from raw.opening_balances "
        "order by _delivery_id, account_id",
    ) == [
        ("20261101-0001", "A1", 30000),
        ("20261101-0001", "A2", -1500),
        ("20261102-0001", "A2", -1500),
    ]
    assert _rows(
        home,
        "select delivery_id, row_number, reason_code, detail from ingest.quarantine "
        "where entity = 'opening_balances' order by row_number",
    ) == [
        (
            "20261102-0001",
            1,
            "opening_balance_conflict",
            "amount: 31000.00 KRW differs from the opening balance 30000.00 KRW delivered "
            "in 20261101-0001 (an account has one opening balance)",
        ),
        (
            "20261102-0001",
            3,
            "currency_mismatch",
            "currency: USD is not the account's currency (KRW)",
        ),
    ]

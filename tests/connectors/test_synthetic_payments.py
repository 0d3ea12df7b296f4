"""Simulated payments answer a closed cycle's bills: the amount each bill asks, by
the account's method, in the delivery of the first extraction after the payment."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from connectors.ingest import ingest_inbox
from connectors.synthetic.payments import simulate_payments
from tests.deliveries import OPERATOR_TIMEZONE, account, csv_bytes, product, write_delivery

CYCLE = date(2026, 11, 1)
METHODS = ("auto_debit", "card", "easy_pay", "virtual_account", "giro")


def _world(root: Path, accounts: int) -> tuple[Path, Path]:
    """An inbox with a CMS snapshot of `accounts` accounts, and the cycle's exports
    asking each for 10,000 + its number won, due Nov 23 (A0's bill is 0: unpaid)."""
    inbox, exports = root / "inbox", root / "exports"
    rows = [
        account(
            f"A{n}",
            payment_method=METHODS[n % len(METHODS)],
            virtual_account_no=f"5620000000{n:04d}"
            if METHODS[n % 5] == "virtual_account"
            else None,
            card_last4="1234" if METHODS[n % 5] in ("card", "easy_pay") else None,
        )
        for n in range(accounts)
    ]
    write_delivery(
        inbox, "cms", "20261101-0001", {"accounts.csv": rows, "products.csv": [product("B", 1)]}
    )
    exports.mkdir()
    (exports / "invoices.csv").write_bytes(
        b"\xef\xbb\xbf"
        + csv_bytes(
            [
                {
                    "invoice_no": f"INV-{n}",
                    "account_id": f"A{n}",
                    "due_date": "2026-11-23",
                    "currency": "KRW",
                    "amount_due": f"{10000 + n if n else 0}.00",
                }
                for n in range(accounts)
            ]
        )
    )
    return inbox, exports


def _read(folder: Path, entity: str) -> list[dict]:
    with (folder / f"{entity}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_bills_are_paid_as_asked_by_method_and_mostly_on_time(tmp_path):
    inbox, exports = _world(tmp_path, 2000)

    folders = simulate_payments(exports, inbox, CYCLE, seed=7)

    assert [f.name for f in folders] == ["20261124-P2611", "20261201-P2611", "20261215-P2611"]
    asked = {f"A{n}": Decimal(10000 + n) for n in range(1, 2000)}
    paid: dict[str, list[tuple[str, Decimal, str]]] = {}
    for folder in folders:
        for row in _read(folder, "autodebit_results"):
            ok = row["result"] == "success"
            paid.setdefault(row["account_id"], []).append((folder.name, Decimal(row["amount"]), ok))
        for row in _read(folder, "card_settlements"):
            ok = row["status"] == "approved"
            paid.setdefault(row["account_id"], []).append((folder.name, Decimal(row["amount"]), ok))
        for row in _read(folder, "va_deposits"):
            account_id = f"A{int(row['virtual_account_no'][-4:])}"
            paid.setdefault(account_id, []).append((folder.name, Decimal(row["amount"]), True))
    assert "A0" not in paid  # nothing to pay
    on_time = sum(
        any(folder == "20261124-P2611" and ok for folder, _, ok in answers)
        for answers in paid.values()
    )
    assert 0.85 * 1999 < on_time < 0.97 * 1999
    for account_id, answers in paid.items():
        made = [amount for _, amount, ok in answers if ok]
        assert made in ([asked[account_id]], [asked[account_id] // 2]), (account_id, answers)
        # a failure or decline comes first, on the due date, and is paid later
        if len(answers) == 2:
            assert not answers[0][2] and answers[1][2], (account_id, answers)


def test_the_same_seed_pays_the_same_and_every_delivery_loads(tmp_path):
    first, exports = _world(tmp_path / "a", 300)
    second, _ = _world(tmp_path / "b", 300)
    home = tmp_path / "home"

    a = simulate_payments(exports, first, CYCLE, seed=3)
    b = simulate_payments(exports, second, CYCLE, seed=3)

    for x, y in zip(a, b, strict=True):
        assert (x / "_manifest.json").read_text() == (y / "_manifest.json").read_text()
    report = ingest_inbox(first, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    assert [d.status for d in report.deliveries] == ["loaded"] * 4
    assert report.rows_quarantined == 0


def test_a_few_card_payments_are_refunded_in_part_or_charged_back_later(tmp_path):
    """Of 5,000 bills, about 0.4% of the card and easy-pay payments are refunded in
    part (at most 5,000 won) a week after, about 0.1% charged back in full three weeks
    after; each names the payment it reverses."""
    inbox, exports = _world(tmp_path, 5000)

    folders = simulate_payments(exports, inbox, CYCLE, seed=7)

    approved = {
        row["txn_id"]: row
        for folder in folders
        for row in _read(folder, "card_settlements")
        if row["status"] == "approved"
    }
    returned = [row for folder in folders for row in _read(folder, "refunds")]
    kinds = {kind: [r for r in returned if r["kind"] == kind] for kind in ("refund", "chargeback")}
    assert 0 < len(kinds["refund"]) < 0.01 * len(approved)
    assert 0 < len(kinds["chargeback"]) < 0.005 * len(approved)
    for row in returned:
        paid = approved[row["original_txn_id"]]
        assert row["account_id"] == paid["account_id"]
        days = (
            datetime.fromisoformat(row["processed_at"])
            - datetime.fromisoformat(paid["processed_at"])
        ).days
        if row["kind"] == "refund":
            assert (
                Decimal(row["amount"]) == min(Decimal(paid["amount"]), Decimal(5000)) and days == 7
            )
        else:
            assert Decimal(row["amount"]) == Decimal(paid["amount"]) and days == 21


def test_a_few_accounts_never_pay_any_bill(tmp_path):
    """About 0.3% of accounts default for good: no payment for November's bills nor
    December's, while most accounts pay both."""
    inbox, exports = _world(tmp_path, 5000)
    paid = []
    for cycle in (CYCLE, date(2026, 12, 1)):
        folders = simulate_payments(exports, inbox / ".." / f"out-{cycle}", cycle, 7, inbox)
        paid.append(
            {
                row["account_id"]
                for folder in folders
                for entity in ("card_settlements", "autodebit_results")
                for row in _read(folder, entity)
            }
            | {
                f"A{int(row['virtual_account_no'][-4:])}"
                for folder in folders
                for row in _read(folder, "va_deposits")
            }
        )
    never = {f"A{n}" for n in range(1, 5000)} - paid[0] - paid[1]
    assert 0.001 * 5000 < len(never) < 0.01 * 5000
    assert len(paid[0] & paid[1]) > 0.9 * 5000

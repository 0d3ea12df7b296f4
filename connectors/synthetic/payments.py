"""`simulate_payments`: the payment systems and subscribers answering a closed cycle.

A generator cannot know what the platform will bill, so the payments of a bill come
after it: from the cycle's `invoices` export (what each bill asks) and the accounts
of the newest CMS snapshot in the inbox (how each account pays), the banks, card
gateways and subscribers answer as they would. Most pay the amount due by the due
date; by method, a few auto-debits fail and succeed at the bank's retry, a few cards
are declined first, some pay late, some virtual-account payers deposit half, and a
few do not pay a bill; a few accounts (DEFAULTING) never pay any. A few card
payments are refunded in part or charged back. Each payment is delivered by the
first extraction after it: the day after the due date, the next cycle's date, two
weeks after that. Deterministic per seed, account and cycle.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from connectors.synthetic.delivery_writer import DeliveryWriter
from connectors.synthetic.generate import KST, add_months

ENTITIES = ["card_settlements", "autodebit_results", "va_deposits", "refunds"]
# Of the card payments: refunded in part a week later, charged back three weeks later.
REFUNDED, CHARGED_BACK = 0.004, 0.001
# Accounts that stop paying for good: dunned to suspension and written off in time.
DEFAULTING = 0.003
# Of each method's bills: (pays by the due date, pays late, pays half on time); the
# rest never pays. An auto-debit that pays late is one that failed and succeeded at
# the retry; a card that pays late was declined first.
BEHAVIOUR = {
    "auto_debit": (0.97, 0.02, 0.0),
    "card": (0.95, 0.04, 0.0),
    "easy_pay": (0.95, 0.04, 0.0),
    "virtual_account": (0.86, 0.08, 0.03),
    "giro": (0.85, 0.12, 0.0),
}


@dataclass(frozen=True)
class Bill:
    invoice_no: str
    account_id: str
    due_date: date
    amount_due: Decimal
    currency: str


def simulate_payments(
    exports: Path, inbox: Path, cycle: date, seed: int, snapshots: Path | None = None
) -> list[Path]:
    """Write the payments of the cycle's bills (`exports`/invoices.csv) into `inbox`,
    one payments delivery per extraction day; returns their folders. How each account
    pays is read from the newest CMS snapshot in `snapshots` (by default `inbox`)."""
    accounts = _accounts(snapshots or inbox)
    bills = [b for b in _bills(exports / "invoices.csv") if b.amount_due > 0]
    due = min((b.due_date for b in bills), default=cycle)
    extractions = [
        due + timedelta(days=1),
        add_months(cycle, 1),
        add_months(cycle, 1) + timedelta(14),
    ]
    writers = [
        DeliveryWriter(
            inbox,
            "payments",
            f"{day:%Y%m%d}-P{cycle:%y%m}",
            datetime.combine(day, time(3), KST),
            ENTITIES,
        )
        for day in extractions
    ]
    for bill in bills:
        if random.Random(f"{seed}:{bill.account_id}").random() < DEFAULTING:
            continue
        rng = random.Random(f"{seed}:{cycle}:{bill.account_id}")
        for paid_on, entity, row in _answers(bill, accounts[bill.account_id], cycle, rng):
            writer = next(
                (w for w, day in zip(writers, extractions, strict=True) if paid_on < day),
                None,
            )
            if writer is not None:  # later than the last extraction: not yet paid
                writer.write(entity, [row])
    return [w.close() for w in writers]


def _answers(bill: Bill, account: dict, cycle: date, rng: random.Random) -> Iterator[tuple]:
    """(the day, the entity, the row) of each answer to `bill`."""
    method = account["payment_method"]
    on_time, late, half = BEHAVIOUR[method]
    draw = rng.random()
    issue = cycle + timedelta(days=1)
    if draw < on_time:
        paid_on, amount = _day_between(issue, bill.due_date, rng), bill.amount_due
    elif draw < on_time + late:
        paid_on = bill.due_date + timedelta(days=rng.randrange(2, 21))
        amount = bill.amount_due
    elif draw < on_time + late + half:
        paid_on, amount = _day_between(issue, bill.due_date, rng), _half(bill.amount_due)
    else:
        return
    key = f"{cycle:%Y%m}-{bill.account_id}"
    at = datetime.combine(paid_on, time(rng.randrange(8, 22), rng.randrange(60)), KST)
    if method == "auto_debit":
        if paid_on > bill.due_date:  # failed on the due date, paid at the retry
            yield bill.due_date, "autodebit_results", _debit(bill, f"D{key}", "fail", bill.due_date)
        yield paid_on, "autodebit_results", _debit(bill, f"D{key}-{paid_on:%d}", "success", paid_on)
    elif method in ("card", "easy_pay"):
        if paid_on > bill.due_date:  # declined first
            yield (
                bill.due_date,
                "card_settlements",
                _card(
                    bill,
                    account,
                    f"C{key}-0",
                    "declined",
                    datetime.combine(bill.due_date, time(9), KST),
                ),
            )
        yield paid_on, "card_settlements", _card(bill, account, f"C{key}", "approved", at)
        yield from _returned(bill, f"C{key}", at, amount, rng)
    elif method == "virtual_account" and account["virtual_account_no"]:
        yield (
            paid_on,
            "va_deposits",
            {
                "deposit_id": f"V{key}",
                "virtual_account_no": account["virtual_account_no"],
                "amount": amount,
                "depositor_name": account["name"],
                "deposited_at": at,
            },
        )
    elif method == "giro":  # collected by the bank and settled like an auto-debit
        yield paid_on, "autodebit_results", _debit(bill, f"G{key}", "success", paid_on)


def _returned(bill: Bill, txn_id: str, at: datetime, amount: Decimal, rng: random.Random):
    """A card payment refunded in part (a service complaint settled) or charged back
    in full (disputed with the card issuer), for a few."""
    draw = rng.random()
    if draw < REFUNDED:
        kind, refunded, later = "refund", min(amount, Decimal(5000)), 7
    elif draw < REFUNDED + CHARGED_BACK:
        kind, refunded, later = "chargeback", amount, 21
    else:
        return
    when = at + timedelta(days=later)
    yield (
        when.date(),
        "refunds",
        {
            "refund_id": f"RF{txn_id[1:]}",
            "account_id": bill.account_id,
            "amount": refunded,
            "kind": kind,
            "original_txn_id": txn_id,
            "processed_at": when,
        },
    )


def _debit(bill: Bill, request_id: str, result: str, day: date) -> dict:
    return {
        "request_id": request_id,
        "account_id": bill.account_id,
        "invoice_no": bill.invoice_no,
        "amount": bill.amount_due,
        "result": result,
        "result_code": "0000" if result == "success" else "E101",
        "bank_code": "004",
        "processed_on": day,
    }


def _card(bill: Bill, account: dict, txn_id: str, status: str, at: datetime) -> dict:
    return {
        "txn_id": txn_id,
        "account_id": bill.account_id,
        "invoice_no": bill.invoice_no,
        "amount": bill.amount_due,
        "currency": bill.currency,
        "status": status,
        "decline_code": "51" if status == "declined" else None,
        "method": account["payment_method"],
        "provider": "KCP" if account["payment_method"] == "card" else "NaverPay",
        "card_last4": account["card_last4"] or None,
        "processed_at": at,
    }


def _day_between(first: date, last: date, rng: random.Random) -> date:
    return first + timedelta(days=rng.randrange(max((last - first).days, 0) + 1))


def _half(amount: Decimal) -> Decimal:
    """Half of a bill, in whole won, rounded down."""
    return (amount / 2).quantize(Decimal(1), rounding=ROUND_DOWN)


def _bills(path: Path) -> list[Bill]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            Bill(
                r["invoice_no"],
                r["account_id"],
                date.fromisoformat(r["due_date"]),
                Decimal(r["amount_due"]),
                r["currency"],
            )
            for r in csv.DictReader(fh)
        ]


def _accounts(inbox: Path) -> dict[str, dict]:
    """The accounts of the newest CMS snapshot in `inbox` (folders sort by date)."""
    newest = max((inbox / "cms").iterdir(), key=lambda folder: folder.name)
    with (newest / "accounts.csv").open(encoding="utf-8", newline="") as fh:
        return {r["account_id"]: r for r in csv.DictReader(fh)}

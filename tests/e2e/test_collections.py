"""Collections walk accounts through time, one `cablebill collect` per day that matters.

Cycle 2026-11-01 bills every account BASE 13,200 + VAT 1,320 = 14,520, due
2026-11-23 (Nov 21 is a Saturday). Dunning counts days past that due date: D+1
reminder (Nov 24), D+15 second notice (Dec 8), D+30 suspension notice (Dec 23),
D+37 suspend (Dec 30), D+90 terminate and write off (2027-02-21).

PART pays 7,000 on Nov 30 and 7,520 on Dec 10: reminder, second notice, no more.
   Its pay-per-view of Nov 25 (30,000) and Nov 27 (25,000) take November's usage
   charges to 55,000, over the 50,000 threshold: one usage alert, on Nov 30.
NEVER never pays: every stage on its day; SUSPEND on Dec 30; terminated Feb 21, its
   14,520 written off that day, shown and journaled (bad debt 14,520 against AR) by
   its next bill run, of 2027-03-01.
LATE pays in full on Jan 5, after being suspended: RECONNECT once, on Jan 6.
RETRY's card is declined on Nov 23, retried Nov 26 (declined) and Nov 30 (approved).
VA's deposit (Nov 25) names a virtual account no account has; it is matched when the
   CMS gives VA that number (Dec 2): no second notice.
BACK paid on Nov 20; a chargeback on Dec 1 reopens the invoice, overdue since Nov 23:
   terminated and written off with NEVER.
TWICE's settlement is delivered twice: it counts once, TWICE owes nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.deliveries import (
    account,
    product,
    quiet_extracts,
    subscription,
    usage_extract,
    write_delivery,
)
from tests.e2e import cablebill, read_csv

pytestmark = pytest.mark.slow

ACCOUNTS = ("PART", "NEVER", "LATE", "RETRY", "VA", "BACK", "TWICE")


def _cms(inbox: Path, delivery_id: str, extracted_at: str, va_number: str | None = None):
    write_delivery(
        inbox,
        "cms",
        delivery_id,
        {
            "accounts.csv": [
                account(a, virtual_account_no=va_number if a == "VA" else None) for a in ACCOUNTS
            ],
            "products.csv": [product("BASE", 13200)],
            "subscriptions.csv": [
                subscription(f"S-{a}", a, "BASE", "2025-03-01") for a in ACCOUNTS
            ],
        },
        extracted_at=extracted_at,
    )


def _card(txn_id: str, account_id: str, amount: int, day: str, status="approved") -> dict:
    return {
        "txn_id": txn_id,
        "account_id": account_id,
        "invoice_no": None,
        "amount": amount,
        "currency": "KRW",
        "status": status,
        "decline_code": "51" if status == "declined" else None,
        "method": "card",
        "processed_at": f"{day}T10:00:00+09:00",
    }


def _ppv(event_id: str, price: int, day: str) -> dict:
    return {
        "event_id": event_id,
        "account_id": "PART",
        "event_code": "FIGHT",
        "list_price": price,
        "event_ts": f"{day}T21:00:00+09:00",
    }


def _payments(inbox: Path, day: str, **files) -> None:
    """A payments delivery extracted at the end of `day`, one file per keyword."""
    write_delivery(
        inbox,
        "payments",
        day.replace("-", "") + "-0001",
        {f"{entity}.csv": rows for entity, rows in files.items()},
        extracted_at=f"{day}T23:00:00+09:00",
    )


def _collect(inbox: Path, home: Path, day: str) -> dict[str, list[dict]]:
    result = cablebill("collect", "--inbox", str(inbox), "--as-of", day, "--home", str(home))
    assert result.returncode == 0, result.stdout + result.stderr
    folder = home / "collections" / day
    return {
        name: read_csv(folder / f"{name}.csv")
        for name in (
            "dunning_actions",
            "headend_commands",
            "payment_retries",
            "write_offs",
            "usage_alerts",
        )
    }


def _stages(sent: dict) -> set[tuple[str, str]]:
    return {(r["account_id"], r["stage"]) for r in sent["dunning_actions"]}


def _commands(sent: dict) -> set[tuple[str, str, str, str]]:
    return {
        (r["account_id"], r["product_code"], r["action"], r["effective_at"])
        for r in sent["headend_commands"]
    }


def test_accounts_walk_through_dunning_retries_and_reconnection(inbox, home):
    _cms(inbox, "20261101-0001", "2026-11-01T01:00:00+09:00")
    usage_extract(inbox, "20261101-0001")
    quiet_extracts(inbox, "20261101-0001")
    _payments(
        inbox,
        "2026-11-20",
        card_settlements=[_card("T-BACK", "BACK", 14520, "2026-11-20")],
    )
    run = cablebill(
        "run", "--inbox", str(inbox), "--cycle", "2026-11-01", "--home", str(home), "--no-pdf"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    invoices = {r["account_id"]: r for r in read_csv(home / "exports/2026-11-01/invoices.csv")}
    assert {r["amount_due"] for r in invoices.values()} == {"14520.00", "0.00"}
    assert invoices["BACK"]["amount_due"] == "0.00"

    # the due date: nothing is overdue yet; the headend is told what each account holds
    _payments(
        inbox,
        "2026-11-23",
        card_settlements=[
            _card("T-RETRY-1", "RETRY", 14520, "2026-11-23", status="declined"),
            _card("T-TWICE", "TWICE", 14520, "2026-11-23"),
        ],
    )
    sent = _collect(inbox, home, "2026-11-23")
    assert sent["dunning_actions"] == []
    assert _commands(sent) == {(a, "BASE", "ACTIVATE", "2025-03-01") for a in ACCOUNTS}

    # D+1: a reminder to everyone who has not paid; TWICE's settlement again, in
    # another delivery
    _payments(
        inbox, "2026-11-24", card_settlements=[_card("T-TWICE", "TWICE", 14520, "2026-11-23")]
    )
    sent = _collect(inbox, home, "2026-11-24")
    assert _stages(sent) == {(a, "reminder") for a in ("PART", "NEVER", "LATE", "RETRY", "VA")}
    assert {r["overdue_amount"] for r in sent["dunning_actions"]} == {"14520.00"}
    assert sent["headend_commands"] == []  # nothing is sent twice
    # running the day again changes nothing and sends nothing more
    assert _collect(inbox, home, "2026-11-24") == sent

    # VA's deposit lands in suspense; RETRY's first retry is due (declined again)
    _payments(
        inbox,
        "2026-11-25",
        va_deposits=[
            {
                "deposit_id": "D-VA",
                "virtual_account_no": "56211234567890",
                "amount": 14520,
                "deposited_at": "2026-11-25T10:00:00+09:00",
            }
        ],
    )
    sent = _collect(inbox, home, "2026-11-26")
    assert [(r["retry_id"], r["amount"], r["attempt"]) for r in sent["payment_retries"]] == [
        ("RETRY:CARD:T-RETRY-1:1", "14520.00", "1")
    ]
    _payments(
        inbox,
        "2026-11-26",
        card_settlements=[_card("T-RETRY-2", "RETRY", 14520, "2026-11-26", status="declined")],
    )
    write_delivery(
        inbox,
        "headend",
        "20261128-0001",
        {"ppv_purchases.csv": [_ppv("E-1", 30000, "2026-11-25"), _ppv("E-2", 25000, "2026-11-27")]},
        extracted_at="2026-11-28T02:00:00+09:00",
    )
    sent = _collect(inbox, home, "2026-11-30")
    assert [r["retry_id"] for r in sent["payment_retries"]] == ["RETRY:CARD:T-RETRY-1:2"]
    assert [
        (r["account_id"], r["period_start"], r["usage_charges"], r["raised_at"])
        for r in sent["usage_alerts"]
    ] == [("PART", "2026-11-01", "55000.00", "2026-11-27 12:00:00.000000+0000")]
    # PART pays 7,000; RETRY's second retry is approved
    _payments(
        inbox,
        "2026-11-30",
        card_settlements=[
            _card("T-PART-1", "PART", 7000, "2026-11-30"),
            _card("T-RETRY-3", "RETRY", 14520, "2026-11-30"),
        ],
    )

    # a chargeback reopens BACK's paid invoice: overdue since Nov 23, reminded at once
    _payments(
        inbox,
        "2026-12-01",
        refunds=[
            {
                "refund_id": "CB-BACK",
                "account_id": "BACK",
                "amount": 14520,
                "kind": "chargeback",
                "original_txn_id": "T-BACK",
                "processed_at": "2026-12-01T10:00:00+09:00",
            }
        ],
    )
    # the CMS now gives VA the virtual account its deposit was made to
    _cms(inbox, "20261202-0001", "2026-12-02T01:00:00+09:00", va_number="56211234567890")
    sent = _collect(inbox, home, "2026-12-02")
    assert _stages(sent) == {("BACK", "reminder")}
    assert sent["payment_retries"] == []
    assert sent["usage_alerts"] == []  # November is still open, and alerted once

    # D+15: second notices to those still owing more than the minimum (the days in
    # between send nothing: dbt unit test each_stage_reached_is_one_action_dated_...)
    sent = _collect(inbox, home, "2026-12-08")
    assert _stages(sent) == {(a, "second_notice") for a in ("PART", "NEVER", "LATE", "BACK")}
    part = next(r for r in sent["dunning_actions"] if r["account_id"] == "PART")
    assert part["overdue_amount"] == "7520.00"
    notices = sorted(p.name for p in (home / "collections/2026-12-08/notices").iterdir())
    assert notices == [f"{a}-second_notice.html" for a in ("BACK", "LATE", "NEVER", "PART")]
    html = (home / "collections/2026-12-08/notices/PART-second_notice.html").read_text()
    assert "미납 요금 2차 안내" in html and "₩7,520" in html
    # the deadline (the day before the suspension notice, D+30) and how a card payer pays
    assert "2026년 12월 22일까지 납부해 주세요." in html
    assert "등록하신 카드로 다시 결제합니다." in html and "사업자등록번호 220-81-03560" in html

    _payments(inbox, "2026-12-10", card_settlements=[_card("T-PART-2", "PART", 7520, "2026-12-10")])
    sent = _collect(inbox, home, "2026-12-23")
    assert _stages(sent) == {(a, "suspension_notice") for a in ("NEVER", "LATE", "BACK")}
    # the notice names the day the suspend stage comes (it does, below: Dec 30)
    html = (home / "collections/2026-12-23/notices/NEVER-suspension_notice.html").read_text()
    assert "2026년 12월 30일까지 납부하지 않으시면 서비스가 정지됩니다." in html
    sent = _collect(inbox, home, "2026-12-30")
    assert _stages(sent) == {(a, "suspend") for a in ("NEVER", "LATE", "BACK")}
    assert _commands(sent) == {(a, "*", "SUSPEND", "2026-12-30") for a in ("NEVER", "LATE", "BACK")}
    assert {r["command_id"] for r in sent["headend_commands"]} == {
        f"SUSPEND:{a}:*:2026-12-30" for a in ("NEVER", "LATE", "BACK")
    }

    # LATE pays in full: reconnected once
    _payments(inbox, "2027-01-05", card_settlements=[_card("T-LATE", "LATE", 14520, "2027-01-05")])
    sent = _collect(inbox, home, "2027-01-06")
    assert _commands(sent) == {("LATE", "*", "RECONNECT", "2027-01-06")}

    sent = _collect(inbox, home, "2027-02-21")
    assert _stages(sent) == {("NEVER", "terminate"), ("BACK", "terminate")}
    assert ("NEVER", "*", "DEACTIVATE", "2027-02-21") in _commands(sent)
    assert [
        (r["account_id"], r["oldest_invoice_no"], r["amount"], r["cycle_date"])
        for r in sent["write_offs"]
    ] == [
        ("BACK", "INV-2026-00000001", "14520.00", "2027-03-01"),
        ("NEVER", "INV-2026-00000003", "14520.00", "2027-03-01"),
    ]
    # written off, they owe nothing: the next day dunns and writes off nothing more
    sent = _collect(inbox, home, "2027-02-22")
    assert sent["dunning_actions"] == [] and sent["write_offs"] == []

    # nobody else was ever dunned; the duplicated settlement counted once
    everything = read_all(home)
    assert {a for a, _ in everything} == {"PART", "NEVER", "LATE", "RETRY", "VA", "BACK"}
    assert ("VA", "second_notice") not in everything
    assert ("RETRY", "second_notice") not in everything
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        (paid,) = con.execute(
            "select sum(amount) from intermediate.int_payments_received where account_id = 'TWICE'"
        ).fetchall()[0]
    assert paid == 14520

    # the next bill run shows both write-offs and journals them: bad debt against AR
    _cms(inbox, "20270301-0001", "2027-03-01T01:00:00+09:00")
    usage_extract(inbox, "20270301-0001", "2027-03-01T02:00:00+09:00")
    quiet_extracts(inbox, "20270301-0001", "2027-03-01T02:00:00+09:00")
    run = cablebill(
        "run", "--inbox", str(inbox), "--cycle", "2027-03-01", "--home", str(home), "--no-pdf"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    journal = read_csv(home / "exports/2027-03-01/journal_entries.csv")
    for written_off in ("BACK", "NEVER"):
        assert [
            (r["gl_account"], r["debit"], r["credit"], r["posting_date"])
            for r in journal
            if r["journal_id"] == f"WO:{written_off}:2027-02-21"
        ] == [
            ("835000", "14520", "0", "2027-02-21"),  # bad-debt expense (won, as the ERP)
            ("110100", "0", "14520", "2027-02-21"),  # accounts receivable
        ]
    march = {r["account_id"]: r for r in read_csv(home / "exports/2027-03-01/invoices.csv")}
    assert march["NEVER"]["previous_balance"] == "14520.00"
    assert march["NEVER"]["payments_and_credits"] == "14520.00"  # the write-off, shown


def read_all(home: Path) -> set[tuple[str, str]]:
    return {
        (r["account_id"], r["stage"])
        for path in (home / "collections").glob("*/dunning_actions.csv")
        for r in read_csv(path)
    }


def test_collections_before_any_bill_run_say_what_to_do_first(inbox, home):
    inbox.mkdir(exist_ok=True)
    result = cablebill(
        "collect", "--inbox", str(inbox), "--as-of", "2026-11-24", "--home", str(home)
    )
    assert result.returncode == 1
    assert "run `cablebill run` for a cycle first" in result.stderr

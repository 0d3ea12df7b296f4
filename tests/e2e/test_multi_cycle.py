"""Two consecutive cycles: numbers continue gapless, balances carry, a late fee once.

Cycle 2026-11-01 bills A1 27,200 and A2 7,180 (tests/e2e/test_bill_run.py).
Cycle 2026-12-01 (November, 30 days), computed by hand:
A1 paid 27,200 on Nov 20: 13,200 + 27,500 = 40,700, VAT 4,070, 44,770;
   amount due 27,200 - 27,200 + 44,770 = 44,770; no late fee.
A2 paid nothing: LIC 2,500 (VAT-exempt); late fee 2% of the unpaid 7,180 = 143.6
   -> 144 (half up, untaxed); 2,644 -> 2,640 (rounding -4); amount due
   7,180 + 2,640 = 9,820.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.deliveries import write_delivery
from tests.e2e import cablebill, read_csv
from tests.e2e.test_bill_run import _inbox

pytestmark = pytest.mark.slow


def _run(inbox: Path, home: Path, cycle: str):
    result = cablebill("run", "--inbox", str(inbox), "--cycle", cycle, "--home", str(home))
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _digest(*folders: Path) -> str:
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def test_two_cycles_carry_balances_and_number_on(inbox, home, tmp_path):
    _inbox(inbox)
    _run(inbox, home, "2026-11-01")
    closed = (home / "exports/2026-11-01", home / "statements/2026-11-01")
    november = _digest(*closed)

    # December's deliveries: the same snapshot, extracted again, where A1 has a new
    # name (November's statements must not change); A1 pays November's bill
    snapshot = tmp_path / "snapshot"
    _inbox(snapshot)
    cms = snapshot / "cms" / "20261101-0001"
    files = {p.name: p.read_bytes() for p in cms.iterdir() if p.name != "_manifest.json"}
    files["accounts.csv"] = files["accounts.csv"].replace(
        "A1,residential,홍길동".encode(), "A1,residential,김철수".encode()
    )
    write_delivery(inbox, "cms", "20261201-0001", files, extracted_at="2026-12-01T01:00:00+09:00")
    write_delivery(
        inbox,
        "payments",
        "20261201-0001",
        {
            "card_settlements.csv": [
                {
                    "txn_id": "T-1",
                    "account_id": "A1",
                    "amount": 27200,
                    "currency": "KRW",
                    "status": "approved",
                    "method": "card",
                    "processed_at": "2026-11-20T10:00:00+09:00",
                },
            ]
        },
        extracted_at="2026-12-01T03:00:00+09:00",
    )
    _run(inbox, home, "2026-12-01")

    december = {r["account_id"]: r for r in read_csv(home / "exports/2026-12-01/invoices.csv")}
    a1, a2 = december["A1"], december["A2"]
    assert (a1["invoice_no"], a2["invoice_no"]) == ("INV-2026-00000003", "INV-2026-00000004")
    assert (
        a1["current_charges"],
        a1["previous_balance"],
        a1["payments_and_credits"],
        a1["amount_due"],
    ) == ("44770.00", "27200.00", "27200.00", "44770.00")
    assert (
        a2["current_charges"],
        a2["previous_balance"],
        a2["payments_and_credits"],
        a2["amount_due"],
    ) == ("2640.00", "7180.00", "0.00", "9820.00")
    a2_lines = [
        (r["line_type"], r["amount"], r["source_ref"])
        for r in read_csv(home / "exports/2026-12-01/invoice_lines.csv")
        if r["invoice_no"] == a2["invoice_no"]
    ]
    assert a2_lines == [
        ("recurring", "2500.00", "S4"),
        ("late_fee", "144.00", "INV-2026-00000002"),
        ("rounding", "-4.00", ""),
    ]

    # the closed November (exports and statements) is untouched by December, and by
    # running it again
    _run(inbox, home, "2026-11-01")
    assert _digest(*closed) == november
    december_a1 = (home / f"statements/2026-12-01/{a1['invoice_no']}.html").read_text()
    assert "김철수" in december_a1
    numbers = [
        r["invoice_no"]
        for cycle in ("2026-11-01", "2026-12-01")
        for r in read_csv(home / f"exports/{cycle}/invoices.csv")
    ]
    assert numbers == [f"INV-2026-{n:08d}" for n in range(1, 5)]

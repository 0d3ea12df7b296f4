"""Months of operation from generated feeds, as `make demo` plays them (`cablebill
generate --cycles`, `cablebill play`): every bill run passes every gate with no
override, and the books tie after every cycle, read from the files finance gets.

The full-size history (twelve cycles of 5,000 accounts) is measured in
docs/benchmarks.md; here, three cycles of 300 accounts show the same invariants.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e import read_csv
from tests.e2e.conftest import MONTHS as CYCLES

pytestmark = pytest.mark.slow

AR_CONTROL, CUSTOMER_CREDITS = "110100", "215000"


def test_every_bill_run_passes_every_gate_without_an_override(months_played):
    _, home, out = months_played
    verdicts = re.findall(r"quality gates: (\d+) of (\d+) passed", out)
    assert len(verdicts) == len(CYCLES)
    assert all(passed == total for passed, total in verdicts), verdicts
    assert "overridden" not in out and "warning from" not in out
    for cycle in CYCLES:
        assert (home / "exports" / cycle / "invoices.csv").is_file()
    assert "accounts reminded of the" in out  # the months' summary, after the collections


def _exports(home: Path, cycle: str, name: str) -> list[dict]:
    return read_csv(home / "exports" / cycle / name)


def test_the_journal_of_every_cycle_balances(months_played):
    _, home, _ = months_played
    for cycle in CYCLES:
        entries = defaultdict(Decimal)
        for line in _exports(home, cycle, "journal_entries.csv"):
            entries[line["journal_id"]] += Decimal(line["debit"]) - Decimal(line["credit"])
        assert entries and not any(entries.values()), cycle


def test_the_ar_rollforward_ties_month_to_month_from_the_opening_balances(months_played):
    """Each month opens with what the one before closed with, per account and in
    total, from go-live (the opening balances of the accounts billed on the 1st) to
    the last close; each line adds up."""
    _, home, _ = months_played
    go_live = home / "inbox" / "cms" / "20260901-0001"  # where `play` handed it over
    day_of = {a["account_id"]: a["bill_cycle_day"] for a in read_csv(go_live / "accounts.csv")}
    handed_over = sum(
        Decimal(b["amount"])
        for b in read_csv(go_live / "opening_balances.csv")
        if day_of[b["account_id"]] == "1"
    )
    rows = _exports(home, CYCLES[-1], "reports/ar_rollforward.csv")
    months = sorted({r["fiscal_period"] for r in rows})
    assert months == ["2026-08", "2026-09", "2026-10", "2026-11"]
    total = {r["fiscal_period"]: r for r in rows if r["account_id"] == "*"}
    assert Decimal(total["2026-08"]["opening_balance"]) == handed_over > 0
    closing = {}
    for r in sorted(rows, key=lambda r: r["fiscal_period"]):
        moved = sum(Decimal(r[k]) for k in ("paid", "credited", "written_off"))
        opening = Decimal(r["opening_balance"])
        assert opening + Decimal(r["invoiced"]) - moved == Decimal(r["closing_balance"]), r
        assert opening == closing.get(r["account_id"], opening), r
        closing[r["account_id"]] = Decimal(r["closing_balance"])
    by_month = defaultdict(Decimal)
    for r in rows:
        if r["account_id"] != "*":
            by_month[r["fiscal_period"]] += Decimal(r["closing_balance"])
    assert by_month == {m: Decimal(total[m]["closing_balance"]) for m in months}


def test_ar_control_equals_open_balances_after_every_cycle(months_played):
    """After each close, the trial balance's AR control account holds what customers
    owe, each as its latest invoice says, and customer credit balances what they are
    owed."""
    _, home, _ = months_played
    for cycle in CYCLES:
        latest = {}
        for r in sorted(
            _exports(home, cycle, "reports/ar_rollforward.csv"), key=lambda r: r["fiscal_period"]
        ):
            if r["account_id"] != "*":
                latest[r["account_id"]] = Decimal(r["closing_balance"])
        for invoice in _exports(home, cycle, "invoices.csv"):
            assert latest[invoice["account_id"]] == Decimal(invoice["amount_due"]), invoice
        balances = {
            r["gl_account"]: Decimal(r["closing_balance"])
            for r in _exports(home, cycle, "reports/trial_balance.csv")
            if r["fiscal_period"] == cycle[:7]
        }
        owed = sum(v for v in latest.values() if v > 0)
        owing = sum(v for v in latest.values() if v < 0)
        assert balances[AR_CONTROL] == owed > 0, cycle
        assert balances.get(CUSTOMER_CREDITS, Decimal(0)) == owing, cycle

"""Three consecutive cycles with payments in between, computed by hand.

Cycle 2026-11-01 bills A1 27,200 and A2 7,180 (tests/e2e/test_bill_run.py), due
2026-11-23.

Between it and 2026-12-01: A1 pays 27,200 by card (Nov 20); support credits A1
1,000 (taxable) against INV-2026-00000001; a VOD purchase of A1 dated Oct 20 (a
closed period) arrives late; A1 is renamed.
Cycle 2026-12-01 (November, 30 days):
A1 13,200 + 27,500 + late VOD 5,500 (a correction line) = 46,200, VAT 4,620,
   50,820. Credit note CN-2026-00000001: 1,000 + VAT 100 = 1,100. Payments and
   credits 27,200 + 1,100 = 28,300; amount due 27,200 - 28,300 + 50,820 = 49,720.
A2 paid nothing: LIC 2,500 (VAT-exempt); late fee 2% of the unpaid 7,180 = 143.6
   -> 144 (half up, untaxed); 2,644 -> 2,640 (rounding -4); amount due 9,820.
Both due 2026-12-21.

Between it and 2027-01-01: A1 pays 49,720 by card (Dec 20) and is refunded 1,000
(Dec 22); a settlement with an unknown status is quarantined; a deposit of 5,000
arrives for an unknown virtual account (Dec 10); the
CMS now says A1's NET ended 2026-11-26 (backdated) and A2's LIC 2026-12-01.
Collections of 2026-12-23, run with write_off_days=30: A2 owes 9,820 (7,180 + 2,640),
   its oldest unpaid invoice due 2026-11-23, 30 days ago: written off that day, to
   be shown by A2's next bill run, 2027-01-01.
Cycle 2027-01-01 (December, 31 days):
A1 BASE 13,200; NET billed 30 days of November on INV-2026-00000003, 5 no longer
   covered: -(27,500 x 5 / 30 = 4,583.33) = -4,583; late fee 2% of the 1,000 still
   unpaid of INV-2026-00000003 = 20; VAT floor((13,200 - 4,583) x 0.1) = 861;
   9,498 -> 9,490 (rounding -8); amount due 49,720 - 48,720 + 9,490 = 10,490.
A2: no charges, and the write-off of 9,820 settles the 9,820 it owed: it owes
   nothing and is owed nothing, so it gets no invoice (no number consumed); the
   write-off is journaled with this cycle's close all the same.
AR roll-forward (posting dates): 2026-11 invoiced 34,380, paid 27,200 -> 7,180;
2026-12 invoiced 53,460, paid 48,720, credited 1,100, written off 9,820 -> 1,000;
2027-01 invoiced 9,490 -> 10,490 = A1's amount due + A2's 0.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt_in_process import dbt
from tests.e2e import cablebill, read_csv
from tests.e2e.three_cycles import CYCLES, digest, run

pytestmark = pytest.mark.slow


def _invoices(home: Path, cycle: str) -> dict[str, dict]:
    return {r["account_id"]: r for r in read_csv(home / f"exports/{cycle}/invoices.csv")}


def _lines(home: Path, cycle: str, invoice_no: str) -> list[tuple]:
    return [
        (r["line_type"], r["product_code"], r["amount"], r["source_ref"])
        for r in read_csv(home / f"exports/{cycle}/invoice_lines.csv")
        if r["invoice_no"] == invoice_no
    ]


def _money(invoice: dict) -> tuple:
    keys = ("current_charges", "previous_balance", "payments_and_credits", "amount_due")
    return tuple(invoice[k] for k in keys)


def test_three_cycles_correct_later_bills_and_roll_ar_forward_to_the_won(three_cycle_run, tmp_path):
    played = three_cycle_run
    home = played.home
    december = _invoices(home, CYCLES[1])
    a1, a2 = december["A1"], december["A2"]
    assert (a1["invoice_no"], a2["invoice_no"]) == ("INV-2026-00000003", "INV-2026-00000004")
    assert _money(a1) == ("50820.00", "27200.00", "28300.00", "49720.00")
    assert _money(a2) == ("2640.00", "7180.00", "0.00", "9820.00")
    assert _lines(home, CYCLES[1], a1["invoice_no"]) == [
        ("recurring", "BASE", "13200.00", "S1"),
        ("recurring", "NET", "27500.00", "S2"),
        ("correction", "VOD", "5500.00", "V-LATE"),
        ("vat", "", "4620.00", ""),
    ]
    assert _lines(home, CYCLES[1], a2["invoice_no"]) == [
        ("recurring", "LIC", "2500.00", "S4"),
        ("late_fee", "", "144.00", "INV-2026-00000002"),
        ("rounding", "", "-4.00", ""),
    ]
    credit_notes = read_csv(home / f"exports/{CYCLES[1]}/credit_notes.csv")
    assert [
        (c["credit_note_no"], c["invoice_no"], c["supply_amount"], c["vat_amount"], c["total"])
        for c in credit_notes
    ] == [("CN-2026-00000001", "INV-2026-00000001", "1000.00", "100.00", "1100.00")]
    statements = home / "statements" / CYCLES[1]
    note = (statements / "CN-2026-00000001.html").read_text(encoding="utf-8")
    assert "감액 내역서" in note and "INV-2026-00000001" in note and "₩1,100" in note
    assert (statements / "CN-2026-00000001.pdf").read_bytes().startswith(b"%PDF")
    # A2 (English) left November's 7,180 unpaid past Nov 23: the overdue box says so
    a2_statement = (statements / f"{a2['invoice_no']}.html").read_text(encoding="utf-8")
    assert "₩7,180 was due on Nov 23, 2026" in a2_statement
    assert "미납 요금이 있습니다" not in (statements / f"{a1['invoice_no']}.html").read_text(
        encoding="utf-8"
    )
    # December's run left the closed November as it was: its invoice, lines, statements
    assert played.closed[CYCLES[1]][CYCLES[0]] == played.closed[CYCLES[0]][CYCLES[0]]

    assert read_csv(home / "collections/2026-12-23/write_offs.csv") == [
        {
            "account_id": "A2",
            "written_off_on": "2026-12-23",
            "oldest_invoice_no": "INV-2026-00000002",
            "amount": "9820.00",
            "currency": "KRW",
            "cycle_date": "2027-01-01",
        }
    ]
    january = _invoices(home, CYCLES[2])
    assert sorted(january) == ["A1"]
    a1 = january["A1"]
    assert a1["invoice_no"] == "INV-2027-00000001"
    assert _money(a1) == ("9490.00", "49720.00", "48720.00", "10490.00")
    a1_lines = [
        r
        for r in read_csv(home / f"exports/{CYCLES[2]}/invoice_lines.csv")
        if r["invoice_no"] == a1["invoice_no"]
    ]
    assert [(r["line_type"], r["product_code"], r["amount"]) for r in a1_lines] == [
        ("recurring", "BASE", "13200.00"),
        ("correction", "NET", "-4583.00"),
        ("late_fee", "", "20.00"),
        ("vat", "", "861.00"),
        ("rounding", "", "-8.00"),
    ]
    correction = a1_lines[1]
    assert correction["source_ref"] == "RERATE:INV-2026-00000003:2"
    assert correction["quantity"] == "5"
    assert correction["description_en"] == (
        "Backdated change: NET product (INV-2026-00000003, end date none -> 2026-11-26)"
    )

    journal = [r for c in CYCLES for r in read_csv(home / f"exports/{c}/journal_entries.csv")]
    _assert_every_journal_balances(journal)
    by_role = _gl_balances(journal)
    # the AR control account equals what customers owe (A1 10,490, A2 0)
    assert by_role["110100"] == Decimal("10490")
    assert by_role.get("215000", Decimal(0)) == 0
    assert by_role["835000"] == Decimal("9820")  # the write-off
    assert by_role["219000"] == Decimal("-5000")  # the deposit in suspense
    assert _journal(journal, "CN:CN-2026-00000001") == [
        ("110100", "0", "1100"),  # won without decimals, as the ERP imports them
        ("419200", "1000", "0"),
        ("255000", "100", "0"),
    ]
    assert _journal(journal, "PAY:REFUND:R-1") == [
        ("110310", "0", "1000"),
        ("110100", "1000", "0"),
    ]

    rollforward = {
        (r["account_id"], r["fiscal_period"]): tuple(
            r[k]
            for k in (
                "opening_balance",
                "invoiced",
                "paid",
                "credited",
                "written_off",
                "closing_balance",
            )
        )
        for r in read_csv(home / f"exports/{CYCLES[2]}/reports/ar_rollforward.csv")
    }
    assert rollforward[("*", "2026-11")] == (
        "0.00", "34380.00", "27200.00", "0.00", "0.00", "7180.00",
    )  # fmt: skip
    assert rollforward[("*", "2026-12")] == (
        "7180.00", "53460.00", "48720.00", "1100.00", "9820.00", "1000.00",
    )  # fmt: skip
    assert rollforward[("*", "2027-01")] == (
        "1000.00", "9490.00", "0.00", "0.00", "0.00", "10490.00",
    )  # fmt: skip
    assert rollforward[("A2", "2026-12")][-1] == "0.00"
    assert _journal(journal, "WO:A2:2026-12-23") == [
        ("835000", "9820", "0"),
        ("110100", "0", "9820"),
    ]

    # finance's files: the summary journal sums every journal line of its cycle; the
    # AR subledger is the customer detail of the AR control account, A1 owing 10,490
    subledger: dict[str, Decimal] = defaultdict(Decimal)
    for cycle in CYCLES:
        lines = read_csv(home / f"exports/{cycle}/journal_entries.csv")
        summary = read_csv(home / f"exports/{cycle}/gl_summary.csv")
        assert sum(int(r["line_count"]) for r in summary) == len(lines)
        for side in ("debit", "credit"):
            assert sum(Decimal(r[side]) for r in summary) == sum(Decimal(r[side]) for r in lines)
        ar_lines = read_csv(home / f"exports/{cycle}/ar_subledger.csv")
        assert len(ar_lines) == sum(
            int(r["line_count"]) for r in summary if r["gl_account"] == "110100"
        )
        for r in ar_lines:
            subledger[r["account_id"]] += Decimal(r["debit"]) - Decimal(r["credit"])
    assert subledger == {"A1": Decimal("10490"), "A2": Decimal("0")}
    names = {
        r["gl_account"]: (r["gl_account_name"], r["gl_account_name_en"])
        for r in read_csv(home / f"exports/{CYCLES[2]}/reports/trial_balance.csv")
    }
    assert names["110100"] == ("외상매출금", "Accounts receivable (AR control)")
    assert names["410300"] == ("인터넷 서비스 매출", "Internet service revenue")

    applied = [
        (r["payment_ref"], r["invoice_no"], r["amount_applied"], r["applied_on"])
        for c in CYCLES
        for r in read_csv(home / f"exports/{c}/payments_applied.csv")
    ]
    assert applied == [
        ("CARD:T-1", "INV-2026-00000001", "27200.00", "2026-11-20"),
        ("CARD:T-2", "INV-2026-00000003", "49720.00", "2026-12-20"),
    ]

    # each cycle lists the rows refused from the deliveries it took in
    assert read_csv(home / f"exports/{CYCLES[1]}/quarantine.csv") == []
    assert [
        (r["feed"], r["delivery_id"], r["entity"], r["row_number"], r["reason_code"])
        for r in read_csv(home / f"exports/{CYCLES[2]}/quarantine.csv")
    ] == [("payments", "20270101-0001", "card_settlements", "2", "bad_enum")]

    # January's corrections left December as it was, and running the closed
    # December again (in a copy of the shared home) changes nothing, byte for byte,
    # and consumes no numbers
    december = played.closed[CYCLES[1]][CYCLES[1]]
    assert played.closed[CYCLES[2]][CYCLES[1]] == december
    copy = shutil.copytree(home, tmp_path / "home")
    run(played.inbox, copy, CYCLES[1])
    assert digest(copy, CYCLES[1]) == december
    numbers = [r["invoice_no"] for c in CYCLES for r in _invoices(home, c).values()]
    assert sorted(numbers) == [f"INV-2026-{n:08d}" for n in range(1, 5)] + ["INV-2027-00000001"]


def _assert_every_journal_balances(journal: list[dict]) -> None:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in journal:
        sums[r["journal_id"]][0] += Decimal(r["debit"])
        sums[r["journal_id"]][1] += Decimal(r["credit"])
    unbalanced = {j: s for j, s in sums.items() if s[0] != s[1]}
    assert not unbalanced
    assert len(sums) > 10


def _gl_balances(journal: list[dict]) -> dict[str, Decimal]:
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for r in journal:
        balances[r["gl_account"]] += Decimal(r["debit"]) - Decimal(r["credit"])
    return balances


def _journal(journal: list[dict], journal_id: str) -> list[tuple]:
    return [
        (r["gl_account"], r["debit"], r["credit"]) for r in journal if r["journal_id"] == journal_id
    ]


def test_a_support_ticket_leads_to_its_credit_note_and_journal(three_cycle_run, tmp_path):
    """TK-1's credit against November's invoice became a credit note in December,
    posted by its own journal; the account's timeline shows the ticket on both."""
    home = tmp_path / "home"
    shutil.copytree(three_cycle_run.home, home)
    shown = cablebill("ticket", "--home", str(home), "TK-1")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    (line,) = shown.stdout.splitlines()
    document = r"credit_note (CN-2026-\d{8}) line 1 \(.*\), journal (CN:CN-2026-\d{8})"
    found = re.search(document, line)
    assert found and line.startswith("  ADJ-1 (A1, 2026-11-25): credit 1,000.00 SERVICE_FAULT")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        ((posted,),) = con.execute(
            "select count(*) from accounting.journal_entries where journal_id = ?",
            [found.group(2)],
        ).fetchall()
    assert posted > 0
    timeline = cablebill("account", "--home", str(home), "A1", "--lang", "en")
    tickets = [row for row in timeline.stdout.splitlines() if "[TK-1]" in row]
    assert len(tickets) == 2 and found.group(1) in tickets[1]


def test_a_closed_cycle_replays_to_its_invoices_line_for_line(three_cycle_run, tmp_path):
    """November and December, replayed after January closed (later deliveries, a
    backdated CMS change and late usage among them, left out), rebuild their
    invoices line for line, December's corrections and credits included; a closed
    line edited in the ledger is found."""
    home = tmp_path / "home"
    shutil.copytree(three_cycle_run.home, home)
    for cycle in CYCLES[:2]:
        replayed = cablebill("replay", "--home", str(home), "--cycle", cycle)
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        assert f"replayed cycle {cycle}" in replayed.stdout
        assert "equal: the rebuilt drafts are the closed invoices, line for line" in (
            replayed.stdout
        )
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute(
            "update ledger.invoice_lines set amount = amount + 1 "
            "where invoice_no = 'INV-2026-00000001' and line_no = 1"
        )
    edited = cablebill("replay", "--home", str(home), "--cycle", CYCLES[0])
    assert edited.returncode == 1 and "NOT equal" in edited.stdout
    (closed,) = [r for r in edited.stdout.splitlines() if r.startswith("  closed, not rebuilt")]
    (rebuilt,) = [r for r in edited.stdout.splitlines() if r.startswith("  rebuilt, not closed")]
    assert "'INV-2026-00000001', 1," in closed and "'INV-2026-00000001', 1," in rebuilt
    never = cablebill("replay", "--home", str(home), "--cycle", "2027-06-01")
    assert never.returncode == 2 and "is not closed" in never.stderr


def test_a_close_s_journal_is_written_once_and_a_missing_one_is_caught_up(first_cycle):
    """November closed: its journal stands as written (a later build recomputes
    nothing of it), and a journal a stopped run never wrote is appended by the next
    build, as the uninterrupted run wrote it."""
    _, home = first_cycle
    warehouse = home / "warehouse.duckdb"

    def journal(sql: str = "select * from accounting.journal_entries order by 1, 2"):
        with duckdb.connect(str(warehouse)) as con:
            return con.execute(sql).fetchall()

    def build() -> None:
        built, _ = dbt(warehouse, "run", "--select", "journal_entries")
        assert built.success, built.reason

    written = journal()
    assert written
    journal("update accounting.journal_entries set memo = 'as the ERP got it'")
    build()
    assert journal("select distinct memo from accounting.journal_entries") == [
        ("as the ERP got it",)
    ]
    journal("delete from accounting.journal_entries")
    build()
    assert journal() == written

"""`play`: months of an operator's life, from generated feeds, as they would happen.

`cablebill generate --cycles N` writes the deliveries of N months at once; an operator
receives them one by one. Here each delivery reaches the inbox when it was extracted
(its manifest's `extracted_at`), the bill run of each month runs on its cycle date
at 06:00, the banks, card gateways and subscribers answer each bill
(`simulate_payments`, into the feeds still to come), and the collections of the day
after each due date run (reminders, retries, suspensions, write-offs). Every step is
the `cablebill` command a user would type. Deterministic per seed.

Played again after a step failed, it goes on where it stopped: the months already
in the inbox count, a closed cycle's run and a collections day run again change
nothing, and a cycle's bills are answered once.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.manifest import MANIFEST
from connectors.synthetic.payments import simulate_payments

RUN_AT = time(6)  # a day's runs start after the night's extractions


def cycles_in(*folders: Path) -> list[date]:
    """The bill cycles the folders (feeds, an inbox) hold a month of: the days of
    their CMS snapshots."""
    manifests = [m for folder in folders for m in (folder / "cms").glob(f"*/{MANIFEST}")]
    return sorted({_extracted(m).date() for m in manifests})


def answered(cycle: date, *folders: Path) -> bool:
    """Whether the bills of `cycle` were answered: its payment deliveries are in one
    of the folders (simulate_payments names them after the cycle)."""
    return any(any(f.glob(f"payments/*-P{cycle:%y%m}")) for f in folders)


def release(feeds: Path, inbox: Path, until: datetime) -> list[Path]:
    """Move the deliveries of `feeds` extracted by `until` into `inbox`; returns
    where they now are."""
    moved = []
    for manifest in sorted(feeds.glob(f"*/*/{MANIFEST}")):
        if _extracted(manifest) <= until:
            folder = manifest.parent
            target = inbox / folder.parent.name / folder.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(folder, target)
            moved.append(target)
    return moved


def _extracted(manifest: Path) -> datetime:
    return datetime.fromisoformat(json.loads(manifest.read_text("utf-8"))["extracted_at"])


@dataclass(frozen=True)
class Month:
    """What a fiscal month saw, from the AR roll-forward: the receivable it opened
    with, what was invoiced, paid, credited and written off, and what it closed with;
    the invoices of the cycle billed in it."""

    period: str
    invoices: int
    opening: Decimal
    invoiced: Decimal
    paid: Decimal
    credited: Decimal
    written_off: Decimal
    closing: Decimal


def play(feeds: Path, home: Path, seed: int, zone: ZoneInfo, run_flags=()) -> int:
    """Play every month the feeds hold into `home` (its inbox is `home`/inbox): each
    cycle's bill run, its bills' payments, the collections of the day after its due
    date; prints the months' figures. Returns the exit code of the first step that
    failed, else 0."""
    from orchestration.cli import main

    inbox = home / "inbox"
    cycles = cycles_in(feeds, inbox)
    for cycle in cycles:
        release(feeds, inbox, datetime.combine(cycle, RUN_AT, zone))
        day = cycle.isoformat()
        code = main(["run", "--inbox", str(inbox), "--cycle", day, "--home", str(home), *run_flags])
        if code:
            return code
        if not answered(cycle, feeds, inbox):
            simulate_payments(home / "exports" / day, feeds, cycle, seed, snapshots=inbox)
        invoices = invoices_of(home, cycle)
        collect_day = collections_day(invoices, cycle)
        release(feeds, inbox, datetime.combine(collect_day, RUN_AT, zone))
        collected = collect_day.isoformat()
        code = main(["collect", "--inbox", str(inbox), "--as-of", collected, "--home", str(home)])
        if code:
            return code
    reminded = sum(
        r["stage"] == "reminder"
        for r in _rows(home / "collections" / collected / "dunning_actions.csv")
    )
    print(summary(months(home, cycles), reminded, len(invoices), collect_day))
    return 0


def collections_day(invoices: list[dict], cycle: date) -> date:
    """The day after the due date most of a cycle's `invoices` (its export's rows)
    share: when the collections of its bills first find late payers."""
    due = Counter(date.fromisoformat(r["due_date"]) for r in invoices).most_common(1)
    return (due[0][0] if due else cycle) + timedelta(days=1)


def invoices_of(home: Path, cycle: date) -> list[dict]:
    """The rows of a billed cycle's invoices export."""
    return _rows(home / "exports" / cycle.isoformat() / "invoices.csv")


def months(home: Path, cycles: list[date]) -> list[Month]:
    """Each fiscal month up to the last cycle's, from that cycle's AR roll-forward
    (every account's, the `*` rows), with the invoices of the cycle billed in it."""
    invoices = {f"{c:%Y-%m}": len(invoices_of(home, c)) for c in cycles}
    rollforward = home / "exports" / cycles[-1].isoformat() / "reports" / "ar_rollforward.csv"
    return [
        Month(
            r["fiscal_period"],
            invoices.get(r["fiscal_period"], 0),
            *(Decimal(r[k]) for k in ("opening_balance", "invoiced", "paid", "credited")),
            Decimal(r["written_off"]),
            Decimal(r["closing_balance"]),
        )
        for r in _rows(rollforward)
        if r["account_id"] == "*"
    ]


def _rows(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def summary(months: list[Month], reminded: int, invoices: int, collect_day: date) -> str:
    """The months' figures, a line each, and the last collections day's reminders
    against the last cycle's invoices."""
    columns = ("opening AR", "invoiced", "paid", "credited", "written off", "closing AR")
    lines = [
        "",
        "the months of operation, as of the last bill run (KRW; the first opening AR is"
        " the previous system's)",
        f"  {'month':8s} {'invoices':>8s}" + "".join(f" {c:>14s}" for c in columns),
    ]
    for m in months:
        figures = (m.opening, m.invoiced, m.paid, m.credited, m.written_off, m.closing)
        lines.append(
            f"  {m.period:8s} {m.invoices:>8,d}" + "".join(f" {f:>14,.0f}" for f in figures)
        )
    share = reminded / invoices if invoices else 0
    lines.append(
        f"  collections {collect_day}: {reminded:,d} accounts reminded of the {invoices:,d}"
        f" invoices last billed ({share:.1%})"
    )
    return "\n".join(lines)

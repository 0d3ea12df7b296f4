"""The three-cycle scenario, played into a home: November billed, December's
deliveries (a payment, a support credit, late usage) billed, January's deliveries,
the collections of 2026-12-23 (a write-off), January billed. Its hand-computed bills
are in tests/e2e/test_multi_cycle.py. tests/e2e/golden_months.py plays the same
months after the golden scenario's November (`play`'s `deliveries`)."""

from __future__ import annotations

import functools
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from orchestration import run_manifest
from tests.deliveries import product, quiet_extracts, usage_extract, write_delivery
from tests.e2e import cablebill
from tests.e2e.test_bill_run import _inbox, cms_snapshot

CYCLES = ("2026-11-01", "2026-12-01", "2027-01-01")
COLLECTIONS_DAY = "2026-12-23"


@dataclass
class Played:
    """Where the scenario was played, and the digest of each closed cycle's exports and
    statements after each step (the cycle just billed, or `collections`)."""

    inbox: Path
    home: Path
    closed: dict[str, dict[str, str]] = field(default_factory=dict)
    # the inbox and home as November's bill run left them, for tests that start there
    first: tuple[Path, Path] | None = None

    def record(self, step: str) -> None:
        self.closed[step] = {
            c: digest(self.home, c) for c in CYCLES if (self.home / "exports" / c).is_dir()
        }


def digest(home: Path, cycle: str) -> str:
    """One digest of a cycle's exports and statements, every byte of every file but
    the run manifest's (it names the run that wrote it)."""
    folders = (home / "exports" / cycle, home / "statements" / cycle)
    files = sorted(
        p
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file() and p.name != run_manifest.FILE_NAME
    )
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def run(inbox: Path, home: Path, cycle: str, *flags: str):
    result = cablebill("run", "--inbox", str(inbox), "--cycle", cycle, "--home", str(home), *flags)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@dataclass(frozen=True)
class Deliveries:
    """What a scenario delivers into its inbox: November's deliveries, then December's,
    then January's."""

    november: Callable[[Path], None]
    december: Callable[[Path], None]
    january: Callable[[Path], None]


def play(
    root: Path,
    *flags: str,
    deliveries: Deliveries | None = None,
    november: tuple[Path, Path] | None = None,
) -> Played:
    """Play the scenario (`deliveries`, this module's by default) in `root` (its inbox
    and home), each bill run with `flags`. With `november`, an inbox and home where
    November was billed already: copied, and the play goes on from there."""
    deliveries = deliveries or THREE_CYCLES
    played = Played(root / "inbox", root / "home")
    if november:
        for source, copy in zip(november, (played.inbox, played.home), strict=True):
            shutil.copytree(source, copy)
    else:
        played.inbox.mkdir(parents=True)
        played.home.mkdir()
        deliveries.november(played.inbox)
        run(played.inbox, played.home, CYCLES[0], *flags)
    played.record(CYCLES[0])
    played.first = (root / "first" / "inbox", root / "first" / "home")
    for source, copy in zip((played.inbox, played.home), played.first, strict=True):
        shutil.copytree(source, copy)
    deliveries.december(played.inbox)
    run(played.inbox, played.home, CYCLES[1], *flags)
    played.record(CYCLES[1])
    deliveries.january(played.inbox)
    collect = cablebill(
        "collect", "--inbox", str(played.inbox), "--as-of", COLLECTIONS_DAY,
        "--home", str(played.home), "--set", "write_off_days=30",
    )  # fmt: skip
    assert collect.returncode == 0, collect.stdout + collect.stderr
    played.record("collections")
    run(played.inbox, played.home, CYCLES[2], *flags)
    played.record(CYCLES[2])
    return played


def cms_delivery(inbox: Path, delivery_id: str, extracted_at: str, **changes) -> None:
    """test_bill_run's CMS snapshot, with A1 renamed and a VOD product."""
    vod = product("VOD", 0, product_type="vod", charge_type="usage", gl_revenue_account="410700")
    files = cms_snapshot(extra_products=[vod], a1_name="김철수", **changes)
    write_delivery(inbox, "cms", delivery_id, files, extracted_at=extracted_at)


def _card(txn_id: str, account_id: str, amount: int, processed_at: str) -> dict:
    return {
        "txn_id": txn_id,
        "account_id": account_id,
        "amount": amount,
        "currency": "KRW",
        "status": "approved",
        "method": "card",
        "processed_at": processed_at,
    }


# A delivery of the CMS snapshot: (inbox, delivery id, extracted at)
CmsDelivery = Callable[[Path, str, str], None]


def december_deliveries(
    inbox: Path, cms: CmsDelivery = cms_delivery, account_id: str = "A1"
) -> None:
    """The CMS snapshot again (`cms`); `account_id`'s card payment, a support credit on
    its November invoice (INV-2026-00000001) and a late VOD purchase of October."""
    cms(inbox, "20261201-0001", "2026-12-01T01:00:00+09:00")
    write_delivery(
        inbox,
        "payments",
        "20261201-0001",
        {"card_settlements.csv": [_card("T-1", account_id, 27200, "2026-11-20T10:00:00+09:00")]},
        extracted_at="2026-12-01T03:00:00+09:00",
    )
    write_delivery(
        inbox,
        "crm",
        "20261201-0001",
        {
            "adjustments.csv": [
                {
                    "adjustment_id": "ADJ-1",
                    "account_id": account_id,
                    "invoice_no": "INV-2026-00000001",
                    "kind": "credit",
                    "amount": 1000,
                    "taxable": "true",
                    "reason_code": "SERVICE_FAULT",
                    "ticket_id": "TK-1",
                    "approved_at": "2026-11-25T10:00:00+09:00",
                }
            ]
        },
        extracted_at="2026-12-01T03:00:00+09:00",
    )
    write_delivery(
        inbox,
        "headend",
        "20261201-0001",
        {
            "vod_purchases.csv": [
                {
                    "event_id": "V-LATE",
                    "account_id": account_id,
                    "title_id": "M1",
                    "title_name": "늦게 온 영화",
                    "purchase_type": "purchase",
                    "price_tier": "standard",
                    "list_price": 5500,
                    "event_ts": "2026-10-20T20:00:00+09:00",
                }
            ]
        },
        extracted_at="2026-12-01T02:00:00+09:00",
    )


def january_deliveries(inbox: Path, cms: CmsDelivery | None = None, account_id: str = "A1") -> None:
    """No usage and no tickets; the CMS snapshot with subscriptions ended back in
    November (`cms`; by default A1's internet and licence); `account_id`'s card
    payment, a pending one, a refund of part of it, and a deposit to a virtual
    account nobody has."""
    usage_extract(inbox, "20270101-0001", "2027-01-01T02:00:00+09:00")
    quiet_extracts(inbox, "20270101-0001", "2027-01-01T02:00:00+09:00", feeds=("crm",))
    cms = cms or functools.partial(cms_delivery, nets_end="2026-11-26", lics_end="2026-12-01")
    cms(inbox, "20270101-0001", "2027-01-01T01:00:00+09:00")
    write_delivery(
        inbox,
        "payments",
        "20270101-0001",
        {
            "card_settlements.csv": [
                _card("T-2", account_id, 49720, "2026-12-20T10:00:00+09:00"),
                _card("T-3", account_id, 1000, "2026-12-20T10:00:00+09:00") | {"status": "pending"},
            ],
            "refunds.csv": [
                {
                    "refund_id": "R-1",
                    "account_id": account_id,
                    "amount": 1000,
                    "kind": "refund",
                    "original_txn_id": "T-2",
                    "processed_at": "2026-12-22T10:00:00+09:00",
                }
            ],
            "va_deposits.csv": [
                {
                    "deposit_id": "D-1",
                    "virtual_account_no": "99999999999",
                    "amount": 5000,
                    "depositor_name": "홍길동",
                    "deposited_at": "2026-12-10T10:00:00+09:00",
                }
            ],
        },
        extracted_at="2027-01-01T03:00:00+09:00",
    )


THREE_CYCLES = Deliveries(_inbox, december_deliveries, january_deliveries)

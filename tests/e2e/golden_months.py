"""The golden scenario's November, then the three-cycle scenario's months
(tests/e2e/three_cycles.py) on the golden accounts: December's deliveries (G01's
payment, a support credit on its closed invoice, its late VOD purchase) billed,
January's (G01's subscription ended back in November, a payment, a refund, an
unmatched deposit), the collections of 2026-12-23 (the unpaid written off), January
billed.

tests/e2e/test_spark_target.py plays it on Spark and compares every file with the
DuckDB play: every billing rule of the golden scenario, then corrections, credit
notes, collections and write-offs across closed cycles, in one Spark history.
"""

from __future__ import annotations

import csv
import functools
import io
import shutil
from pathlib import Path

from tests.deliveries import write_delivery
from tests.e2e.three_cycles import Deliveries, december_deliveries, january_deliveries

GOLDEN = Path(__file__).parents[1] / "golden"
GOLDEN_CMS = GOLDEN / "inbox" / "cms" / "20261101-0001"


def november(inbox: Path) -> None:
    shutil.copytree(GOLDEN / "inbox", inbox, dirs_exist_ok=True)


def cms_delivery(
    inbox: Path, delivery_id: str, extracted_at: str, ended: dict[str, str] | None = None
) -> None:
    """The golden CMS snapshot delivered again, each subscription of `ended` (by id)
    with the end date given."""
    files: dict[str, list[dict] | bytes] = {
        path.name: path.read_bytes() for path in sorted(GOLDEN_CMS.glob("*.csv"))
    }
    if ended:
        rows = list(csv.DictReader(io.StringIO(files["subscriptions.csv"].decode())))
        assert set(ended) <= {row["subscription_id"] for row in rows}
        for row in rows:
            row["end_date"] = ended.get(row["subscription_id"], row["end_date"])
        files["subscriptions.csv"] = rows
    write_delivery(inbox, "cms", delivery_id, files, extracted_at=extracted_at)


GOLDEN_MONTHS = Deliveries(
    november,
    functools.partial(december_deliveries, cms=cms_delivery, account_id="G01"),
    functools.partial(
        january_deliveries,
        cms=functools.partial(cms_delivery, ended={"S-G01-1": "2026-11-26"}),
        account_id="G01",
    ),
)

"""Data-usage records drawn as whole columns: at a hundred records per account, rows
built one by one in Python would take hours for a million accounts.

Each chunk of accounts has its own seeded numpy generator, so the records are the
same for a seed at any chunking of the work that keeps the chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SECONDS_PER_DAY = 86_400
SESSION = 45 * 60  # seconds a record spans
RESENT_SHARE = 0.005  # records the headend sends again in its later delivery


@dataclass
class UsagePlan:
    """The internet accounts of a chunk: each one's number and period total."""

    numbers: list[int] = field(default_factory=list)
    total_gb: list[float] = field(default_factory=list)

    def add(self, number: int, total_gb: float) -> None:
        self.numbers.append(number)
        self.total_gb.append(total_gb)


def _padded(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def draw(
    plan: UsagePlan, mean_records: float, seed: str, start: datetime, days: int
) -> tuple[pa.Table, pa.Table]:
    """The period's records of the planned accounts (at least one each, `mean_records`
    on average), and the share re-sent late.

    `start` is the period's first local midnight (aware); records start on a random
    minute of a random day of the period and last 45 minutes. Record ids carry the
    account and the period's month (after a letter: no run of digits reads as a card
    number), so that months never share one.
    """
    rng = np.random.default_rng(list(seed.encode()))
    counts = np.maximum(1, rng.poisson(mean_records, len(plan.numbers)))
    owner = np.repeat(np.arange(len(counts)), counts)
    index = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    size = len(owner)
    offset = (
        rng.integers(0, days, size) * SECONDS_PER_DAY
        + rng.integers(0, 24, size) * 3600
        + rng.integers(0, 60, size) * 60
    )
    per_record = np.asarray(plan.total_gb)[owner] / counts[owner] * 1e9
    down = (per_record * rng.uniform(0.8, 1.2, size)).astype(np.int64)
    numbers = np.asarray(plan.numbers, dtype=np.int64)[owner]
    starts = int(start.timestamp()) + offset
    zone = str(start.tzinfo)
    table = pa.table(
        {
            "record_id": pc.binary_join_element_wise(
                "D", _padded(numbers, 8), f"-M{start:%y%m}-", _padded(index, 4), ""
            ),
            "account_id": pc.binary_join_element_wise("A", _padded(numbers, 8), ""),
            "usage_start": pa.array(starts, pa.timestamp("s", tz=zone)),
            "usage_end": pa.array(starts + SESSION, pa.timestamp("s", tz=zone)),
            "bytes_down": down,
            "bytes_up": down // 12,
        }
    )
    resent = rng.random(size) < RESENT_SHARE
    return table, table.filter(pa.array(resent))

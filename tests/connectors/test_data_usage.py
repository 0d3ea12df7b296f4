"""Data-usage records drawn as columns: within the period, each account's own, and
the same for a seed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow.compute as pc

from connectors.synthetic.data_usage import UsagePlan, draw

START = datetime(2026, 10, 1, tzinfo=ZoneInfo("Asia/Seoul"))


def _plan() -> UsagePlan:
    plan = UsagePlan()
    for number, total in ((7, 100.0), (8, 250.0), (1234, 10.0)):
        plan.add(number, total)
    return plan


def test_records_fall_in_the_period_and_belong_to_their_account():
    records, resent = draw(_plan(), 40, "5:0:usage", START, 31)
    assert records.num_rows > 3 * 20
    starts = records["usage_start"]
    assert pc.min(starts).as_py() >= START
    assert pc.max(starts).as_py() < datetime(2026, 11, 1, tzinfo=ZoneInfo("Asia/Seoul"))
    ends = pc.subtract(records["usage_end"], starts)
    assert set(pc.unique(ends).to_pylist()) == {timedelta(minutes=45)}
    ids = records["record_id"].to_pylist()
    assert len(set(ids)) == len(ids)
    for record_id, account in zip(ids, records["account_id"].to_pylist(), strict=True):
        assert record_id.startswith("D" + account[1:] + "-")
    assert set(records["account_id"].to_pylist()) == {"A00000007", "A00000008", "A00001234"}
    assert pc.all(pc.equal(records["bytes_up"], pc.divide(records["bytes_down"], 12))).as_py()
    # a larger total means more bytes: 250 GB against 10 GB
    by_account = records.group_by("account_id").aggregate([("bytes_down", "sum")])
    totals = dict(zip(*by_account.to_pydict().values(), strict=True))
    assert totals["A00000008"] > 10 * totals["A00001234"]
    assert set(resent["record_id"].to_pylist()) <= set(ids)


def test_same_seed_same_records_other_seed_other_records():
    first, _ = draw(_plan(), 40, "5:0:usage", START, 31)
    again, _ = draw(_plan(), 40, "5:0:usage", START, 31)
    other, _ = draw(_plan(), 40, "6:0:usage", START, 31)
    assert first.equals(again)
    assert not first.equals(other)

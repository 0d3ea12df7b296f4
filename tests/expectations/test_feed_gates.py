"""The feed gates pass complete deliveries and name what is missing, refused or doubled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from connectors.ingest import ingest_inbox
from expectations.feeds import validate_feeds
from orchestration.settings import billing_settings
from tests.deliveries import account, product, usage_extract, write_delivery

CYCLE = date(2026, 11, 1)


def _usage(record_id: str, hour: int) -> dict:
    return {
        "record_id": record_id,
        "account_id": "A1",
        "usage_start": f"2026-10-10T{hour:02d}:00:00+09:00",
        "usage_end": f"2026-10-10T{hour:02d}:30:00+09:00",
        "bytes_down": 1000,
        "bytes_up": 10,
    }


def _gates(inbox: Path, home: Path):
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {"accounts.csv": [account()], "products.csv": [product("BASE", 10000)]},
    )
    ingest_inbox(inbox, home / "warehouse.duckdb", home)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return validate_feeds(con, CYCLE, billing_settings(), "Asia/Seoul")


def test_complete_deliveries_pass(inbox, home):
    usage_extract(inbox, "20261101-0001")
    assert all(result.success for result in _gates(inbox, home))


def test_a_feed_not_delivered_for_the_whole_period_is_named(inbox, home):
    usage_extract(inbox, "20261031-0001", extracted_at="2026-10-31T23:00:00+09:00")  # too early
    deliveries, _, _ = _gates(inbox, home)
    (failure,) = deliveries.failures
    assert failure.column == "period_not_covered"
    assert [(r["feed"], r["deliveries_loaded"]) for r in failure.sample] == [("headend", 1)]


def test_a_refused_delivery_is_named_until_it_arrives_whole(inbox, home):
    folder = usage_extract(inbox, "20261101-0001")
    whole = (folder / "vod_purchases.csv").read_bytes()
    (folder / "vod_purchases.csv").write_text("event_id\n")  # not what the manifest says
    deliveries, _, _ = _gates(inbox, home)
    failures = {f.column: f.sample for f in deliveries.failures}
    assert [r["feed"] for r in failures["deliveries_refused"]] == ["headend"]
    assert [r["feed"] for r in failures["period_not_covered"]] == ["headend"]  # nothing else came

    (folder / "vod_purchases.csv").write_bytes(whole)
    assert all(result.success for result in _gates(inbox, home))


def test_usage_sent_again_under_new_ids_is_caught(inbox, home):
    write_delivery(
        inbox, "headend", "20261101-0001", {"data_usage.csv": [_usage("R1", 10), _usage("R2", 11)]}
    )
    write_delivery(
        inbox,
        "headend",
        "20261101-0002",
        {"data_usage.csv": [_usage("R1-AGAIN", 10)]},
        extracted_at="2026-11-01T04:00:00+09:00",
    )
    deliveries, quarantine, duplicates = _gates(inbox, home)
    assert deliveries.success and quarantine.success
    (failure,) = duplicates.failures
    assert failure.sample == [
        {"duplicate_rows": 1, "entity": "headend.data_usage", "example_id": "R1"}
    ]

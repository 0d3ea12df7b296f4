"""The feed gates pass complete deliveries and name what is missing, refused or doubled:
their dbt models (models/quality/feeds), built over what ingest landed."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from unittest import mock

import duckdb
import pytest

from connectors.dismissals import CannotDismiss, dismiss_refused_delivery
from connectors.ingest import ingest_inbox
from expectations.feeds import review_quarantine, validate_feeds
from orchestration import dbt_runner
from orchestration.settings import billing_settings
from tests.deliveries import (
    OPERATOR_TIMEZONE,
    account,
    product,
    quiet_extracts,
    usage_extract,
    write_delivery,
)

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


def _gates(inbox: Path, home: Path, quiet=("payments", "crm"), **settings):
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {"accounts.csv": [account()], "products.csv": [product("BASE", 10000)]},
    )
    quiet_extracts(inbox, "20261101-0001", feeds=quiet)
    ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    settings = billing_settings() | settings
    _build_feed_gates(home / "warehouse.duckdb", settings)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return validate_feeds(con, settings)


def _build_feed_gates(warehouse: Path, settings: dict) -> None:
    """The feed gates' models for CYCLE, as the bill run's gate step builds them."""
    dbt_vars = json.dumps(settings | {"cycle_date": CYCLE.isoformat()})
    with mock.patch.dict(os.environ, {dbt_runner.WAREHOUSE_ENV: str(warehouse)}):
        outcome = dbt_runner.invoke(
            ["run", "--select", "tag:feed_gates", "--vars", dbt_vars, "--quiet"]
        )
    assert outcome.success, outcome.reason


def test_complete_deliveries_pass(inbox, home):
    usage_extract(inbox, "20261101-0001")
    assert all(result.success for result in _gates(inbox, home))


def test_a_feed_not_delivered_for_the_whole_period_is_named(inbox, home):
    usage_extract(inbox, "20261031-0001", extracted_at="2026-10-31T23:00:00+09:00")  # too early
    deliveries, *_ = _gates(inbox, home)
    (failure,) = deliveries.failures
    assert failure.column == "period_not_covered"
    assert [(r["feed"], r["deliveries_taken_in"]) for r in failure.sample] == [("headend", 1)]


def test_a_refused_delivery_is_named_until_it_arrives_whole(inbox, home):
    folder = usage_extract(inbox, "20261101-0001")
    whole = (folder / "vod_purchases.csv").read_bytes()
    (folder / "vod_purchases.csv").write_text("event_id\n")  # not what the manifest says
    deliveries, *_ = _gates(inbox, home)
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
    deliveries, quarantine, duplicates, _ = _gates(inbox, home)
    assert deliveries.success and quarantine.success
    (failure,) = duplicates.failures
    assert failure.sample == [
        {"duplicate_rows": 1, "entity": "headend.data_usage", "example_id": "R1"}
    ]


def test_a_feed_silent_since_the_last_bill_run_is_named(inbox, home):
    usage_extract(inbox, "20261101-0001")
    deliveries, *_ = _gates(inbox, home, quiet=("crm",))
    (failure,) = deliveries.failures
    assert failure.column == "not_delivered_since_last_run"
    assert [(r["feed"], r["deliveries_taken_in"]) for r in failure.sample] == [("payments", 0)]


def test_a_refused_delivery_dismissed_with_a_reason_no_longer_blocks(inbox, home):
    usage_extract(inbox, "20261101-0001")
    folder = write_delivery(inbox, "payments", "20261101-0002", {"refunds.csv": []})
    (folder / "refunds.csv").write_text("refund_id\n")  # not what the manifest says
    deliveries, *_ = _gates(inbox, home)
    assert [f.column for f in deliveries.failures] == ["deliveries_refused"]

    warehouse = home / "warehouse.duckdb"
    with pytest.raises(CannotDismiss, match="needs a reason"):
        dismiss_refused_delivery(warehouse, "payments", "20261101-0002", " ", "Asia/Seoul")
    with pytest.raises(CannotDismiss, match="never refused"):
        dismiss_refused_delivery(warehouse, "payments", "20261101-0009", "gone", "Asia/Seoul")
    reason = "gateway re-extracted the day as 20261101-0003"
    first = dismiss_refused_delivery(warehouse, "payments", "20261101-0002", reason, "Asia/Seoul")
    again = dismiss_refused_delivery(warehouse, "payments", "20261101-0002", "x", "Asia/Seoul")
    assert first.newly_dismissed and not again.newly_dismissed
    assert again.reason == reason  # the first dismissal is kept
    assert all(result.success for result in _gates(inbox, home))


def test_a_delivery_id_sent_again_with_other_content_blocks_until_dismissed(inbox, home):
    """Loaded once, the id came again with other rows: the new rows are not billed,
    so the run blocks until ops dismiss the second content with a reason."""
    folder = usage_extract(inbox, "20261101-0001")
    assert all(result.success for result in _gates(inbox, home))
    shutil.rmtree(folder)
    write_delivery(inbox, "headend", "20261101-0001", {"data_usage.csv": [_usage("R9", 9)]})
    deliveries, *_ = _gates(inbox, home)
    (failure,) = deliveries.failures
    assert failure.column == "deliveries_refused"
    assert [r["feed"] for r in failure.sample] == ["headend"]

    reason = "the headend resent 20261101-0001 by mistake; R9 comes as 20261102-0001"
    dismiss_refused_delivery(
        home / "warehouse.duckdb", "headend", "20261101-0001", reason, "Asia/Seoul"
    )
    assert all(result.success for result in _gates(inbox, home))


def _vod(event_id: str, account_id: str) -> dict:
    return {
        "event_id": event_id,
        "account_id": account_id,
        "title_id": f"T-{event_id}",
        "purchase_type": "rental",
        "price_tier": "standard",
        "list_price": 1000,
        "event_ts": "2026-10-10T20:00:00+09:00",
    }


@pytest.mark.parametrize(
    ("events", "unknown", "blocks"),
    [
        (100, 2, True),  # 2% of 100 usage events name no account: blocks
        (100, 1, False),  # 1%: at the limit, held in suspense and counted
        (50, 10, False),  # under 100 usage events the share is not judged
    ],
)
def test_usage_in_suspense_blocks_only_above_its_share(inbox, home, events, unknown, blocks):
    vods = [_vod(f"V{n}", "A1" if n >= unknown else "NOBODY") for n in range(events)]
    write_delivery(inbox, "headend", "20261101-0001", {"vod_purchases.csv": vods})
    write_delivery(
        inbox,
        "payments",
        "20261101-0002",
        {
            "va_deposits.csv": [
                {
                    "deposit_id": "D1",
                    "virtual_account_no": "56219999999999",
                    "amount": 5000,
                    "deposited_at": "2026-10-30T10:00:00+09:00",
                }
            ]
        },
    )
    *_, suspense = _gates(inbox, home)
    assert suspense.success is not blocks
    assert suspense.observed["headend.vod_purchases"] == unknown
    assert suspense.observed["payments.va_deposits"] == 1  # reported, never blocks
    if blocks:
        (failure,) = suspense.failures
        assert failure.sample[0]["entity"] == "headend.vod_purchases"


def test_quarantined_rows_of_small_entities_are_listed_for_review(inbox, home):
    usage = [_usage("R1", 10), _usage("R1", 11), _usage("R3", 12)]  # R1 twice in the file
    write_delivery(inbox, "headend", "20261101-0001", {"data_usage.csv": usage})
    _, quarantine, *_ = _gates(inbox, home)
    assert quarantine.success  # 1 of 3 rows: too few to judge a share
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        review = review_quarantine(con)
    assert not review.success
    (failure,) = review.failures
    assert [(r["entity"], r["row_number"], r["reason_code"]) for r in failure.sample] == [
        ("headend.data_usage", 2, "duplicate_key")
    ]

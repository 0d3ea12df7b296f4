"""Automation against a real (temporary) Dagster instance: a new delivery starts an
ingest run that loads it, a cycle waits for its feeds and says which are missing,
and the collections run every morning for that day."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from dagster import DagsterInstance, SkipReason, build_schedule_context

from orchestration.definitions import defs
from orchestration.feed_readiness import latest_extracts
from orchestration.sensors import (
    collections_every_day,
    cycles_to_bill,
    deliveries_to_ingest,
)
from tests.deliveries import account, product, quiet_extracts, usage_extract, write_delivery

CUTOFF = time(4, 0)
SEOUL = ZoneInfo("Asia/Seoul")


def _cms(inbox: Path) -> None:
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {
            "accounts.csv": [account("A1"), account("A2", bill_cycle_day=15)],
            "products.csv": [product("BASE", 13200)],
        },
    )


@pytest.fixture
def instance(tmp_path):
    with DagsterInstance.local_temp(str(tmp_path)) as instance:
        yield instance


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("CABLEBILL_HOME", str(home))
    monkeypatch.setenv("CABLEBILL_INBOX", str(inbox))
    return home, inbox


def test_a_new_delivery_starts_an_ingest_run_that_loads_it(instance, deployment):
    home, inbox = deployment
    assert isinstance(deliveries_to_ingest(inbox, None), SkipReason)
    _cms(inbox)
    result = deliveries_to_ingest(inbox, None)
    (request,) = result.run_requests
    assert request.tags["cablebill/deliveries"] == "cms/20261101-0001"

    run = defs.resolve_job_def("ingest_deliveries").execute_in_process(instance=instance)
    assert run.success
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        loaded = con.execute("select feed, delivery_id, rows_loaded from ingest.deliveries")
        assert loaded.fetchall() == [("cms", "20261101-0001", 3)]
    # the cycles of the days in use (1 and 15), from the month of the delivery to the
    # next, are there to pick in the UI, whatever the date on the machine's clock
    assert set(instance.get_dynamic_partitions("bill_cycles")) == {
        "2026-11-01",
        "2026-11-15",
        "2026-12-01",
        "2026-12-15",
    }

    # nothing new: no run; the next delivery: a run for it alone
    assert isinstance(deliveries_to_ingest(inbox, result.cursor), SkipReason)
    usage_extract(inbox, "20261102-0001")
    (request,) = deliveries_to_ingest(inbox, result.cursor).run_requests
    assert request.tags["cablebill/deliveries"] == "headend/20261102-0001"


def test_a_cycle_waits_for_its_feeds_and_says_which_are_missing(instance, tmp_path):
    inbox = tmp_path / "inbox"
    instance.add_dynamic_partitions("bill_cycles", ["2026-11-01"])
    _cms(inbox)
    usage_extract(inbox, "20261031-0001", extracted_at="2026-10-31T23:00:00+09:00")
    at_five = datetime(2026, 11, 1, 5, 0, tzinfo=SEOUL)

    before_cutoff = cycles_to_bill(instance, inbox, at_five.replace(hour=3), CUTOFF, None)
    assert before_cutoff.skip_message == "no bill cycle is due"

    waiting = cycles_to_bill(instance, inbox, at_five, CUTOFF, None)
    assert isinstance(waiting, SkipReason)
    assert waiting.skip_message == (
        "bill run 2026-11-01 waits for its feeds: payments: nothing delivered since "
        "2026-10-01; crm: nothing delivered since 2026-10-01; headend: latest extract "
        "2026-10-31 23:00 is before the period end 2026-11-01"
    )

    usage_extract(inbox, "20261101-0001")
    quiet_extracts(inbox, "20261101-0001")
    started = cycles_to_bill(instance, inbox, at_five, CUTOFF, None)
    (request,) = started.run_requests
    assert (request.partition_key, request.run_key) == ("2026-11-01", "bill-run-2026-11-01")
    # started once: the next look asks for nothing more
    again = cycles_to_bill(instance, inbox, at_five, CUTOFF, started.cursor)
    assert again.skip_message == "no bill cycle is due"


def test_the_collections_run_every_morning_for_that_day(instance):
    context = build_schedule_context(
        instance=instance,
        scheduled_execution_time=datetime(2026, 11, 23, 21, 0, tzinfo=UTC),
        repository_def=defs.get_repository_def(),
    )
    (request,) = collections_every_day.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-11-24"  # 06:00 in Seoul
    assert instance.has_dynamic_partition("collection_days", "2026-11-24")
    assert collections_every_day.cron_schedule == "0 6 * * *"
    assert collections_every_day.execution_timezone == "Asia/Seoul"


def test_the_bill_run_sensor_reads_no_manifest_outside_the_inbox(tmp_path):
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    _cms(inbox)
    _cms(elsewhere)
    linked = inbox / "cms" / "20261102-0001"
    linked.symlink_to(elsewhere / "cms" / "20261101-0001", target_is_directory=True)
    assert len(latest_extracts(inbox, SEOUL)["cms"]) == 1

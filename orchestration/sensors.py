"""Automation: new deliveries are ingested as they arrive, each cycle's bill run
starts on its cycle day once the feed cut-off has passed and its feeds are in, and
the collections run every morning. All are off until ops turn them on in the UI.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import (
    DagsterInstance,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    schedule,
    sensor,
)

from connectors.ingest import delivery_folders
from connectors.manifest import MANIFEST
from orchestration.assets.dbt import CLOSED
from orchestration.cycles import parse_cycle, previous_cycle
from orchestration.feed_readiness import missing_feeds
from orchestration.partitions import bill_cycles, collection_days
from orchestration.settings import CablebillHome, billing_settings

# The operator's time zone (a billing setting): the cycle day, the feed cut-off and the
# collections' schedule are the operator's.
OPERATOR_TIMEZONE = billing_settings()["operator_timezone"]
# Payment and headend extracts of the night have arrived by then.
COLLECTIONS_AT = time(6, 0)
# A cycle not billed within this many days after its date needs a person, not a sensor.
CATCH_UP_DAYS = 7


@sensor(
    job_name="ingest_deliveries",
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Ingest each new delivery folder (with its _manifest.json) in the inbox.",
)
def new_deliveries(context: SensorEvaluationContext, cablebill: CablebillHome):
    return deliveries_to_ingest(Path(cablebill.inbox), context.cursor)


def deliveries_to_ingest(inbox: Path, cursor: str | None) -> SensorResult | SkipReason:
    """One ingest run for the deliveries that appeared since the last look."""
    seen = set(json.loads(cursor)) if cursor else set()
    present = {
        f"{folder.parent.name}/{folder.name}"
        for folder in delivery_folders(inbox)
        if (folder / MANIFEST).is_file()
    }
    new = sorted(present - seen)
    if not new:
        return SkipReason(f"no new delivery in {inbox}")
    run_key = "ingest-" + hashlib.sha256("\n".join(new).encode()).hexdigest()[:16]
    return SensorResult(
        run_requests=[RunRequest(run_key=run_key, tags={"cablebill/deliveries": ", ".join(new)})],
        cursor=json.dumps(sorted(present | seen)),
    )


@sensor(
    job_name="bill_run",
    minimum_interval_seconds=5 * 60,
    default_status=DefaultSensorStatus.STOPPED,
    description="On each cycle day, after the feed cut-off, start the cycle's bill run "
    "once its feeds are in; until then, say which are missing.",
)
def bill_run_on_cycle_day(context: SensorEvaluationContext, cablebill: CablebillHome):
    return cycles_to_bill(
        context.instance,
        Path(cablebill.inbox),
        datetime.now(ZoneInfo(OPERATOR_TIMEZONE)),
        time.fromisoformat(cablebill.feed_cutoff),
        context.cursor,
    )


def cycles_to_bill(
    instance: DagsterInstance, inbox: Path, now: datetime, cutoff: time, cursor: str | None
) -> SensorResult | SkipReason:
    """A bill run for each registered cycle that is due (its day, after `cutoff`, in
    the last CATCH_UP_DAYS), not closed, not started before, and whose feeds are in."""
    started = set(json.loads(cursor)) if cursor else set()
    closed = instance.get_materialized_partitions(CLOSED)
    settings = billing_settings()
    waiting, requests = [], []
    for key in sorted(instance.get_dynamic_partitions(bill_cycles.name)):
        try:
            cycle = parse_cycle(key)
        except ValueError:
            continue
        due = datetime.combine(cycle, cutoff, now.tzinfo)
        if key in closed or key in started or not due <= now < due + timedelta(CATCH_UP_DAYS):
            continue
        missing = missing_feeds(
            inbox,
            cycle,
            previous_cycle(cycle),
            now.tzinfo,
            settings["required_feeds"],
            settings["period_end_feeds"],
        )
        if missing:
            waiting.append(f"bill run {key} waits for its feeds: {'; '.join(missing)}")
        else:
            requests.append(RunRequest(run_key=f"bill-run-{key}", partition_key=key))
    if not requests:
        return SkipReason("\n".join(waiting) or "no bill cycle is due")
    return SensorResult(
        run_requests=requests,
        cursor=json.dumps(sorted(started | {r.partition_key for r in requests})),
    )


@schedule(
    job_name="collections_daily",
    cron_schedule=f"{COLLECTIONS_AT.minute} {COLLECTIONS_AT.hour} * * *",
    execution_timezone=OPERATOR_TIMEZONE,
    default_status=DefaultScheduleStatus.STOPPED,
    description=f"Every day at 06:00 ({OPERATOR_TIMEZONE}): dunning, headend commands, "
    "payment retries, write-offs and usage alerts as of that day.",
)
def collections_every_day(context: ScheduleEvaluationContext):
    day = context.scheduled_execution_time.astimezone(ZoneInfo(OPERATOR_TIMEZONE))
    day = day.date().isoformat()
    return collections_request(context.instance, day)


def collections_request(instance: DagsterInstance, day: str) -> RunRequest:
    """The collections run of `day`, its partition added first (a schedule cannot ask
    for one the way a sensor does)."""
    if not instance.has_dynamic_partition(collection_days.name, day):
        instance.add_dynamic_partitions(collection_days.name, [day])
    return RunRequest(run_key=f"collections-{day}", partition_key=day)

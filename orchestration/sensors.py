"""Automation: the collections run once a day, after the morning's deliveries."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.partitions import collection_days

KST = ZoneInfo("Asia/Seoul")
# Payment and headend extracts of the night have arrived by then.
COLLECTIONS_AT = time(6, 0)


@sensor(
    job_name="collections_daily",
    minimum_interval_seconds=15 * 60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Once a day from 06:00 (Asia/Seoul), run the collections of that day.",
)
def collections_every_day(context: SensorEvaluationContext):
    return due_collections(datetime.now(KST), context.cursor)


def due_collections(now: datetime, cursor: str | None) -> SensorResult | SkipReason:
    """Today's collections run (and partition), unless it is too early or requested."""
    now = now.astimezone(KST)
    today = now.date().isoformat()
    if now.time() < COLLECTIONS_AT:
        return SkipReason(f"collections of {today} run from {COLLECTIONS_AT:%H:%M}")
    if cursor == today:
        return SkipReason(f"collections of {today} already requested")
    return SensorResult(
        run_requests=[RunRequest(run_key=f"collections-{today}", partition_key=today)],
        dynamic_partitions_requests=[collection_days.build_add_request([today])],
        cursor=today,
    )

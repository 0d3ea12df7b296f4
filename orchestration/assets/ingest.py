"""Ingest: every delivery waiting in the inbox, verified, quarantined and landed.

Two ways in: the first step of a bill run (asset `ingest_inbox`, for its cycle),
and the job `ingest_deliveries`, which the sensor `new_deliveries` starts when a
delivery arrives. Both register the bill cycles the delivered data calls for, so
that ops can pick them in the UI.
"""

import logging

from dagster import (
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    Nothing,
    OpExecutionContext,
    Out,
    Output,
    in_process_executor,
    job,
    multi_asset,
    op,
)

from connectors.contract import ENTITIES
from connectors.ingest import IngestReport
from orchestration.assets.quality import prebuild_feed_gate_rows
from orchestration.cycles import (
    closed_cycle,
    cycles_in_data,
    parse_cycle,
    register_cycles,
)
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import CablebillHome, RunParameters

log = logging.getLogger("cablebill.ingest")

INGEST_TABLES = ("deliveries", "quarantine", "rejections")
# The ingest table whose metadata also says what the run ingested in all.
RUN_SUMMARY = AssetKey(["ingest", "deliveries"])
# Dagster's own key for a table's row count, which the UI shows as such.
ROW_COUNT = "dagster/row_count"
# Skippable: a bill run of a closed cycle materializes nothing, and so skips every
# step after ingest instead of failing them (the cycle stays as it was closed).
SPECS = [
    AssetSpec(
        AssetKey(["raw", e.name]),
        group_name="ingest",
        description=f"Rows of `{e.feed}` deliveries' {e.name}, as loaded.",
        skippable=True,
    )
    for e in ENTITIES
] + [
    AssetSpec(
        AssetKey(["ingest", t]),
        group_name="ingest",
        description=f"The connectors' {t} ledger.",
        skippable=True,
    )
    for t in INGEST_TABLES
]


def _ingest(cablebill: CablebillHome, settings: dict) -> tuple[IngestReport, dict]:
    log.info("ingest: reading %s", cablebill.inbox)
    report = cablebill.ingest(settings)
    summary = {
        "deliveries_loaded": report.count("loaded"),
        "deliveries_skipped": report.count("skipped"),
        "deliveries_rejected": report.count("rejected"),
        "rows_loaded": report.rows_loaded,
        "rows_quarantined": report.rows_quarantined,
    }
    log.info(
        "ingest: %(deliveries_loaded)d deliveries loaded, %(deliveries_skipped)d "
        "already loaded, %(deliveries_rejected)d rejected; %(rows_loaded)d rows loaded, "
        "%(rows_quarantined)d quarantined",
        summary,
    )
    rejected = [d.reason for d in report.deliveries if d.status == "rejected"]
    if rejected:
        summary["rejections"] = MetadataValue.md("\n".join(f"- {r}" for r in rejected))
    return report, summary


def _already_closed(cablebill: CablebillHome, key: str) -> str | None:
    """Why a bill run of partition `key` has nothing to do (its cycle is closed and its
    ledger adds up), or None when it is open. Raises a Failure, with a message ops can
    act on, when the partition is not a cycle, or when the closed cycle's ledger,
    checked again first, no longer adds up (an invoice edited since its close)."""
    try:
        cycle = parse_cycle(key)
    except ValueError as error:
        raise Failure(description=str(error), allow_retries=False) from None
    docs = cablebill.quality_dir(key)
    if not cablebill.warehouse.exists():
        return None
    closed = closed_cycle(cablebill, cycle, docs)
    if closed and closed.blocked:
        log.error("ingest: %s", closed.message)
        raise Failure(
            description=closed.message,
            metadata={"data_docs": MetadataValue.path(str(docs / "index.html"))},
            allow_retries=False,
        )
    return closed.message if closed else None


def _refuse_unless_billed(cycle, cycles: list[str]) -> None:
    """Stop a bill run whose cycle day no account bills on (`cycles`: those the
    delivered data calls for): it has nothing to bill, and its close would take in
    every delivery waiting for the real cycles."""
    days = sorted({parse_cycle(key).day for key in cycles})
    if cycle.day not in days:
        in_use = ", ".join(str(d) for d in days) or "none (no CMS snapshot is loaded)"
        message = (
            f"no account bills on day {cycle.day}: cycle {cycle} has nothing to bill and "
            f"was not run. The bill-cycle days of the delivered accounts: {in_use}."
        )
        log.error("ingest: %s", message)
        raise Failure(description=message, allow_retries=False)


@multi_asset(
    specs=SPECS, partitions_def=bill_cycles, backfill_policy=one_cycle_per_run, name="ingest_inbox"
)
def ingest(context, cablebill: CablebillHome, run_parameters: RunParameters):
    """Load every new delivery in the inbox; deliveries already loaded are skipped.
    A bill run of a partition that is no cycle stops here; one of a closed cycle
    materializes nothing, so that every later step is skipped: nothing to do."""
    if closed := _already_closed(cablebill, context.partition_key):
        log.info("ingest: %s", closed)
        context.log.info(closed)
        return
    settings = run_parameters.billing()
    report, summary = _ingest(cablebill, settings)
    cycles, _ = _register_cycles(context, cablebill, settings["operator_timezone"])
    _refuse_unless_billed(parse_cycle(context.partition_key), cycles)
    held = _row_counts(cablebill)
    prebuild_feed_gate_rows(context.run.run_id, context.partition_key, settings)
    for e in ENTITIES:
        loaded, quarantined = report.entity_rows(e.name)
        metadata = {"rows_loaded": loaded, "rows_quarantined": quarantined}
        key = AssetKey(["raw", e.name])
        yield MaterializeResult(asset_key=key, metadata=metadata | {ROW_COUNT: held[key]})
    for t in INGEST_TABLES:
        key = AssetKey(["ingest", t])
        yield MaterializeResult(asset_key=key, metadata=summary | {ROW_COUNT: held[key]})


def _row_counts(cablebill: CablebillHome) -> dict[AssetKey, int]:
    """How many rows each table of the ingest step holds now."""
    with cablebill.read_warehouse() as con:
        return {
            spec.key: con.table(".".join(spec.key.path)).aggregate("count(*)").fetchall()[0][0]
            for spec in SPECS
        }


@op(
    out=Out(Nothing),
    description="Load every new delivery in the inbox and register the bill cycles in use.",
)
def ingest_new_deliveries(
    context: OpExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Output:
    settings = run_parameters.billing()
    _, summary = _ingest(cablebill, settings)
    _, added = _register_cycles(context, cablebill, settings["operator_timezone"])
    summary["cycles_added"] = ", ".join(added) or "none"
    return Output(None, metadata=summary)


def _register_cycles(
    context, cablebill: CablebillHome, timezone: str
) -> tuple[list[str], list[str]]:
    """Make every cycle the delivered data calls for (its dates in `timezone`) a
    partition ops can pick; returns those cycles, and the ones that were new."""
    with cablebill.read_warehouse() as con:
        keys = cycles_in_data(con, timezone)
    added = register_cycles(context.instance, keys)
    if added:
        log.info("ingest: bill cycles added: %s", ", ".join(added))
    return keys, added


@job(
    executor_def=in_process_executor,
    description="Ingest the deliveries waiting in the inbox (started by the sensor "
    "new_deliveries); register the bill cycles the delivered data calls for.",
)
def ingest_deliveries():
    ingest_new_deliveries()

"""Ingest: every delivery waiting in the inbox, verified, quarantined and landed."""

import logging
from pathlib import Path

from dagster import AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from connectors.contract import ENTITIES
from connectors.ingest import ingest_inbox
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import CablebillHome

log = logging.getLogger("cablebill.ingest")

INGEST_TABLES = ("deliveries", "quarantine", "rejections")
SPECS = [
    AssetSpec(
        AssetKey(["raw", e.name]),
        group_name="ingest",
        description=f"Rows of `{e.feed}` deliveries' {e.name}, as loaded.",
    )
    for e in ENTITIES
] + [
    AssetSpec(
        AssetKey(["ingest", t]), group_name="ingest", description=f"The connectors' {t} ledger."
    )
    for t in INGEST_TABLES
]


@multi_asset(
    specs=SPECS, partitions_def=bill_cycles, backfill_policy=one_cycle_per_run, name="ingest_inbox"
)
def ingest(context, cablebill: CablebillHome):
    """Load every new delivery in the inbox; deliveries already loaded are skipped."""
    log.info("ingest: reading %s", cablebill.inbox)
    report = ingest_inbox(
        Path(cablebill.inbox), cablebill.warehouse, cablebill.home_dir, cablebill.operator_timezone
    )
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
    for spec in SPECS:
        metadata = dict(summary)
        if rejected:
            metadata["rejections"] = MetadataValue.md("\n".join(f"- {r}" for r in rejected))
        yield MaterializeResult(asset_key=spec.key, metadata=metadata)

"""What a bill run hands out: export files and customer statements."""

import logging
from datetime import date

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from invoice_renderer.statements import write_statements
from orchestration.exports import write_exports
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import CablebillHome

log = logging.getLogger("cablebill.outputs")

CLOSED = AssetKey(["ledger", "close"])


@asset(
    deps=[CLOSED],
    partitions_def=bill_cycles,
    backfill_policy=one_cycle_per_run,
    group_name="outputs",
)
def exports(context: AssetExecutionContext, cablebill: CablebillHome) -> MaterializeResult:
    """The closed cycle's invoices and invoice lines as CSV and Parquet."""
    cycle = context.partition_key
    out_dir = cablebill.exports_dir(cycle)
    with cablebill.read_warehouse() as con:
        written = write_exports(con, date.fromisoformat(cycle), out_dir)
    for w in written:
        log.info("exports: %s: %d rows, total %s", w.name, w.rows, w.total)
    metadata = {f"{w.name}_rows": w.rows for w in written}
    metadata |= {f"{w.name}_total": w.total for w in written if w.total is not None}
    metadata["folder"] = MetadataValue.path(str(out_dir))
    return MaterializeResult(metadata=metadata)


@asset(
    deps=[CLOSED],
    partitions_def=bill_cycles,
    backfill_policy=one_cycle_per_run,
    group_name="outputs",
)
def statements(context: AssetExecutionContext, cablebill: CablebillHome) -> MaterializeResult:
    """One HTML statement per invoice of the cycle, in the account's language."""
    cycle = context.partition_key
    out_dir = cablebill.statements_dir(cycle)
    with cablebill.read_warehouse() as con:
        count = write_statements(con, date.fromisoformat(cycle), out_dir, cablebill.operator)
    log.info("statements: %d written to %s", count, out_dir)
    return MaterializeResult(
        metadata={"statements": count, "folder": MetadataValue.path(str(out_dir))}
    )

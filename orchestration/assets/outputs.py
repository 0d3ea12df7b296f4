"""What a bill run hands out: export files and customer statements."""

import logging
from datetime import date

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from invoice_renderer.etax import write_tax_invoices
from invoice_renderer.statements import write_statements
from orchestration.exports import write_exports
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import CablebillHome

log = logging.getLogger("cablebill.outputs")

CLOSED = AssetKey(["ledger", "close"])
AFTER_CLOSE = [
    *(
        AssetKey(["accounting", name])
        for name in (
            "journal_entries",
            "payments_applied",
            "gl_interface",
            "trial_balance",
            "ar_rollforward",
            "revenue_by_gl",
        )
    ),
    AssetKey(["outputs", "quarantine"]),
]


@asset(
    deps=[CLOSED, *AFTER_CLOSE],
    partitions_def=bill_cycles,
    backfill_policy=one_cycle_per_run,
    group_name="outputs",
)
def exports(context: AssetExecutionContext, cablebill: CablebillHome) -> MaterializeResult:
    """The closed cycle's exports as CSV and Parquet (invoices, lines, credit notes,
    journal, payment allocations, quarantine, the ERP journal import and the finance
    reports), and an e-tax invoice XML per business invoice."""
    cycle = context.partition_key
    out_dir = cablebill.exports_dir(cycle)
    with cablebill.read_warehouse() as con:
        written = write_exports(con, date.fromisoformat(cycle), out_dir)
        tax_invoices = write_tax_invoices(
            con, date.fromisoformat(cycle), out_dir / "etax", cablebill.supplier
        )
    for w in written:
        log.info("exports: %s: %d rows, total %s", w.name, w.rows, w.total)
    log.info("exports: %d e-tax invoices", tax_invoices)
    metadata = {f"{w.name}_rows": w.rows for w in written}
    metadata |= {f"{w.name}_total": w.total for w in written if w.total is not None}
    metadata["etax_invoices"] = tax_invoices
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

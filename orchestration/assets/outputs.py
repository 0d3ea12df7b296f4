"""What a bill run hands out: export files and customer statements."""

import logging
from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Config,
    DagsterEventType,
    MaterializeResult,
    MetadataValue,
    asset,
)

from invoice_renderer.credit_notes import write_credit_notes
from invoice_renderer.etax import write_tax_invoices
from invoice_renderer.parallel import write_statements
from orchestration import run_manifest
from orchestration.assets.dbt import CLOSED, stage_inputs
from orchestration.exports import CYCLE, ETAX, REPORT, views_tagged, write_exports
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.publish import publish
from orchestration.settings import CablebillHome, RunParameters
from orchestration.views import build_missing

log = logging.getLogger("cablebill.outputs")


@asset(
    deps=sorted(
        {CLOSED, *stage_inputs(CYCLE), *stage_inputs(REPORT)}, key=lambda k: k.to_user_string()
    ),
    partitions_def=bill_cycles,
    backfill_policy=one_cycle_per_run,
    group_name="outputs",
)
def exports(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> MaterializeResult:
    """The closed cycle's exports as CSV and Parquet (invoices, lines, credit notes,
    journal, payment allocations, quarantine, the ERP journal import and the finance
    reports), and an e-tax invoice XML per business invoice."""
    cycle = context.partition_key
    out_dir = cablebill.exports_dir(cycle)
    if built := build_missing(cablebill, views_tagged(CYCLE, REPORT, ETAX)):
        log.info("exports: built %s, which this warehouse lacked", ", ".join(built))
    with cablebill.read_warehouse() as con:
        written = write_exports(
            con,
            date.fromisoformat(cycle),
            out_dir,
            run_parameters.billing()["csv_byte_order_mark"],
        )
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


class StatementsConfig(Config):
    """Per run: PDF for print besides the HTML (the bulk channel), and how many
    processes render (0: one per core)."""

    pdf: bool = True
    workers: int = 0


@asset(
    deps=[CLOSED],
    partitions_def=bill_cycles,
    backfill_policy=one_cycle_per_run,
    group_name="outputs",
)
def statements(
    context: AssetExecutionContext, config: StatementsConfig, cablebill: CablebillHome
) -> MaterializeResult:
    """One statement per invoice of the cycle (HTML, and PDF unless the run says
    otherwise) and one document per credit note, in the account's language."""
    cycle = context.partition_key
    out_dir = cablebill.statements_dir(cycle)

    def progress(done: int, total: int) -> None:
        log.info("statements: %d of %d rendered", done, total)

    with cablebill.read_warehouse() as con:
        count = write_statements(
            con,
            date.fromisoformat(cycle),
            out_dir,
            cablebill.operator,
            pdf=config.pdf,
            workers=config.workers or None,
            progress=progress,
        )
        notes = write_credit_notes(
            con, date.fromisoformat(cycle), out_dir, cablebill.operator, pdf=config.pdf
        )
    log.info("statements: %d and %d credit notes written to %s", count, notes, out_dir)
    metadata = {
        "statements": count,
        "credit_notes": notes,
        "pdf": config.pdf,
        "folder": MetadataValue.path(str(out_dir)),
    }
    sample = min(out_dir.glob("INV-*.html"), default=None)
    if sample is not None:
        metadata["sample_statement"] = MetadataValue.path(str(sample))
    return MaterializeResult(metadata=metadata)


# What the cycle issued, per currency, with its credit notes and quarantined rows
# (the dbt view outputs.cycle_summary).
SUMMARY = {"cycle_summary": ("outputs", "cycle_summary")}
SUMMARY_SQL = """
select currency, invoices, first_invoice_no, last_invoice_no, current_charges, amount_due,
       credit_notes, rows_quarantined
from outputs.cycle_summary where cycle_date = $cycle order by currency
"""


@asset(
    deps=[AssetKey(["exports"]), AssetKey(["statements"])],
    partitions_def=bill_cycles,
    backfill_policy=one_cycle_per_run,
    group_name="outputs",
)
def bill_run_summary(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> MaterializeResult:
    """The last step of a bill run: what the closed cycle issued, in one table, with
    links to its exports, its Data Docs and a sample statement; and the run manifest
    (orchestration/run_manifest.py)."""
    cycle = context.partition_key
    build_missing(cablebill, SUMMARY)
    settings = run_parameters.billing() | {"gate_overrides": run_parameters.gate_overrides}
    with cablebill.read_warehouse() as con:
        rows = con.execute(SUMMARY_SQL, {"cycle": date.fromisoformat(cycle)}).fetchall()
        manifest = run_manifest.build(
            con, cablebill.home_dir, cycle, context.run_id, settings, _gates(context)
        )
    written = run_manifest.write(cablebill.home_dir, cablebill.warehouse, manifest)
    log.info("run manifest: %d files listed in %s", len(manifest["outputs"]), written)
    published = publish(cablebill)
    if published:
        log.info("support console: published %s", published)
    issued = [row[:6] for row in rows if row[0] is not None]
    credit_notes, quarantined = rows[0][6:] if rows else (0, 0)
    table = [
        "| currency | invoices | numbers | current charges | amount due |",
        "|---|--:|---|--:|--:|",
        *(
            f"| {currency} | {count:,} | {first} to {last} | {charges:,} | {due:,} |"
            for currency, count, first, last, charges, due in issued
        ),
        "",
        f"{credit_notes:,} credit notes; {quarantined:,} rows quarantined in the deliveries "
        "the cycle took in.",
    ]
    log.info("bill run %s: %s", cycle, "; ".join(f"{r[1]:,} {r[0]} invoices" for r in issued))
    metadata = {
        "summary": MetadataValue.md("\n".join(table)),
        "invoices": sum(row[1] for row in issued),
        "credit_notes": credit_notes,
        "rows_quarantined": quarantined,
        "exports": MetadataValue.path(str(cablebill.exports_dir(cycle))),
        "data_docs": MetadataValue.path(str(cablebill.quality_dir(cycle) / "index.html")),
        "run_manifest": MetadataValue.path(str(written)),
    }
    sample = min(cablebill.statements_dir(cycle).glob("INV-*.html"), default=None)
    if sample is not None:
        metadata["sample_statement"] = MetadataValue.path(str(sample))
    return MaterializeResult(metadata=metadata)


def _gates(context: AssetExecutionContext) -> list[dict]:
    """The gates this run evaluated, in the order they ran."""
    records = context.instance.get_records_for_run(
        context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    return [
        {
            "gate": evaluation.check_name,
            "asset": evaluation.asset_key.to_user_string(),
            "passed": evaluation.passed,
            "severity": evaluation.severity.value,
        }
        for evaluation in (
            record.event_log_entry.dagster_event.asset_check_evaluation_data for record in records
        )
    ]

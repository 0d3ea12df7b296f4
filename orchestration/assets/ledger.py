"""Closing the cycle: gated drafts become numbered, immutable invoices in the ledger."""

import json
import logging
from datetime import date

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.ledger import close_cycle
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import CablebillHome, RunParameters

log = logging.getLogger("cablebill.ledger")

DRAFTS = [
    AssetKey(["marts", "invoices"]),
    AssetKey(["marts", "invoice_lines"]),
    AssetKey(["marts", "invoice_payments"]),
    AssetKey(["marts", "dim_accounts"]),
    AssetKey(["marts", "credit_notes"]),
    AssetKey(["marts", "write_offs"]),
    AssetKey(["marts", "payments_suspense"]),
    AssetKey(["marts", "statement_summaries"]),
    AssetKey(["marts", "statement_promotions"]),
]


@asset(
    deps=DRAFTS,
    partitions_def=bill_cycles,
    backfill_policy=one_cycle_per_run,
    group_name="ledger",
    key=AssetKey(["ledger", "close"]),
)
def ledger_close(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> MaterializeResult:
    """Number the cycle's invoices and credit notes and write them to the ledger with
    its suspense and the gates overridden for the run, once per cycle."""
    cycle = date.fromisoformat(context.partition_key)
    overrides = run_parameters.gate_overrides
    with duckdb.connect(str(cablebill.warehouse)) as con:
        result = close_cycle(con, cycle, overrides, context.run.run_id)
    if result.newly_closed:
        log.info(
            "ledger: closed %s: %d invoices, %s .. %s",
            cycle,
            result.invoices,
            result.first_number,
            result.last_number,
        )
    else:
        log.info(
            "ledger: %s was closed before: %d invoices left as they were", cycle, result.invoices
        )
    return MaterializeResult(
        metadata={
            "invoices": result.invoices,
            "newly_closed": result.newly_closed,
            "first_invoice_no": result.first_number or "",
            "last_invoice_no": result.last_number or "",
            "gates_overridden": json.dumps(overrides, ensure_ascii=False) if overrides else "",
        }
    )

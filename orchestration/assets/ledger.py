"""Closing the cycle: gated drafts become numbered, immutable invoices in the ledger.

The close is the dbt models tagged `close` (models/ledger/close): invoice and
credit-note numbers are given there, gapless per yearly series
(INV-YYYY-nnnnnnnn and CN-YYYY-nnnnnnnn, by issue year), in account order, and the
cycle's invoices, lines, payments, statements' details, credit notes, suspense,
the deliveries it took in and the gates ops overrode are appended once;
ledger.closed_cycles marks it closed. A cycle already closed is left as it is, and
a close stopped half-way is finished by the next run without numbering anything
again. Later corrections appear on later invoices, never by editing these.
"""

import json
import logging
from datetime import date

from dagster import AssetExecutionContext, MaterializeResult, asset

from orchestration import dbt_runner
from orchestration.assets.dbt import CLOSE, CLOSE_TAG, CLOSED, stage_inputs
from orchestration.cycles import closed_invoices
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import CablebillHome, RunParameters

log = logging.getLogger("cablebill.ledger")


@asset(
    deps=stage_inputs(CLOSE_TAG),
    partitions_def=bill_cycles,
    backfill_policy=one_cycle_per_run,
    group_name="ledger",
    key=CLOSED,
)
def ledger_close(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> MaterializeResult:
    """Number the cycle's invoices and credit notes and write them to the ledger with
    its suspense and the gates overridden for the run, once per cycle."""
    cycle = context.partition_key
    overrides = run_parameters.gate_overrides
    was_closed = _closed(cablebill, cycle)
    dbt_vars = run_parameters.billing() | {
        "cycle_date": cycle,
        "gate_overrides": overrides,
        "run_id": context.run.run_id,
    }
    *_, outcome = dbt_runner.stream(
        [
            "build",
            "--select",
            CLOSE,
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            json.dumps(dbt_vars),
            *dbt_runner.BUILD_FLAGS,
        ]
    )
    if not outcome.success:
        raise RuntimeError(f"the close of cycle {cycle} failed: {outcome.reason}")
    invoices, first, last = _closed(cablebill, cycle) or (0, "", "")
    if was_closed:
        log.info("ledger: %s was closed before: %d invoices left as they were", cycle, invoices)
    else:
        log.info("ledger: closed %s: %d invoices, %s .. %s", cycle, invoices, first, last)
    return MaterializeResult(
        metadata={
            "invoices": invoices,
            "newly_closed": not was_closed,
            "first_invoice_no": first,
            "last_invoice_no": last,
            "gates_overridden": json.dumps(overrides, ensure_ascii=False) if overrides else "",
        }
    )


def _closed(cablebill: CablebillHome, cycle: str) -> tuple[int, str, str] | None:
    """(invoices, first number, last number) of the cycle's close, if it finished (a
    cycle that issued no invoice stays open)."""
    with cablebill.read_warehouse() as con:
        return closed_invoices(con, date.fromisoformat(cycle))

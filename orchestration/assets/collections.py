"""Collections, daily: ingest what arrived, evaluate dunning, headend commands,
payment retries, write-offs and usage alerts as of the day, record what is sent,
write the day's exports and dunning notices.

The day's models and their tests are built first; only when all pass are the
ledger models (tag `recording`) built, which append what is sent, dated the day,
and after them what reads what they recorded (tag `after_recording`: the day's
exports and notices).
Each appends what it has not recorded yet: running a day again sends nothing twice
and finishes a run stopped half-way through recording, and a skipped day's actions
go out with the next run. The day's exports list what was recorded that day.
"""

import json
import logging
from datetime import date

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from invoice_renderer.notices import write_notices
from orchestration import dbt_runner
from orchestration.exports import write_daily_exports
from orchestration.partitions import collection_days
from orchestration.settings import CablebillHome, RunParameters

log = logging.getLogger("cablebill.collections")

DAILY = "tag:daily"
RECORDING = "tag:recording"
AFTER_RECORDING = "tag:after_recording"
# The day's exports of what the ledger models recorded.
RECORDED = ("dunning_actions", "headend_commands", "payment_retries", "write_offs", "usage_alerts")


@asset(partitions_def=collection_days, group_name="collections")
def collections(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> MaterializeResult:
    """The day's dunning actions, headend commands, payment retries, write-offs,
    usage alerts and notices."""
    day = context.partition_key
    _require_a_bill_run(cablebill)
    settings = run_parameters.billing()
    report = cablebill.ingest(settings)
    log.info("collections %s: %d deliveries loaded", day, report.count("loaded"))
    dbt_vars = json.dumps(settings | {"as_of": day})
    for selection, what in (
        (["--select", DAILY, "--exclude", RECORDING, AFTER_RECORDING], "collections"),
        (
            ["--select", f"{DAILY},{RECORDING}", f"{DAILY},{AFTER_RECORDING}"],
            "recording what collections send on",
        ),
    ):
        *_, outcome = dbt_runner.stream(
            ["build", *selection, "--vars", dbt_vars, *dbt_runner.BUILD_FLAGS]
        )
        if not outcome.success:
            raise RuntimeError(f"dbt build failed for {what} {day}: {outcome.reason}")
    as_of = date.fromisoformat(day)
    out_dir = cablebill.collections_dir(day)
    with cablebill.read_warehouse() as con:
        written = write_daily_exports(con, as_of, out_dir, settings["csv_byte_order_mark"])
        notices = write_notices(con, as_of, out_dir / "notices", cablebill.operator)
    for w in written:
        log.info("collections %s: %s: %d rows", day, w.name, w.rows)
    log.info("collections %s: %d notices", day, notices)
    recorded = {w.name: w.rows for w in written}  # the exports list what the day recorded
    return MaterializeResult(
        metadata={
            **{name: recorded[name] for name in RECORDED},
            "notices": notices,
            "folder": MetadataValue.path(str(out_dir)),
        }
    )


def _require_a_bill_run(cablebill: CablebillHome) -> None:
    """Collections read what bill runs built (the staging views, the ledger)."""
    built = cablebill.warehouse.exists()
    if built:
        with cablebill.read_warehouse() as con:
            built = bool(
                con.execute(
                    "select count(*) from information_schema.tables "
                    "where table_schema = 'ledger' and table_name = 'invoices'"
                ).fetchall()[0][0]
            )
    if not built:
        raise RuntimeError(
            f"no bill run has built {cablebill.warehouse} yet: run `cablebill run` for a "
            "cycle first; collections follow the invoices it issues"
        )

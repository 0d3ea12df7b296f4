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

import logging
from datetime import date

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_dbt import dbt_assets
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_UNIQUE_ID_METADATA_KEY,
    get_manifest_and_translator_from_dbt_assets,
)

from invoice_renderer.notices import write_notices
from orchestration.assets.dbt import (
    AFTER_RECORDING_TAG,
    DAILY,
    INTERNAL,
    RECORDING_TAG,
    CablebillTranslator,
    build,
    dbt_project,
    selection_for,
)
from orchestration.exports import write_daily_exports
from orchestration.partitions import collection_days
from orchestration.publish import publish
from orchestration.settings import CablebillHome, RunParameters
from orchestration.views import build_missing, seeds_read_by

log = logging.getLogger("cablebill.collections")

RECORDING = f"tag:{RECORDING_TAG}"
AFTER_RECORDING = f"tag:{AFTER_RECORDING_TAG}"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=DAILY,
    exclude=f"tag:{INTERNAL}",
    name="collections_models",
    partitions_def=collection_days,
    dagster_dbt_translator=CablebillTranslator(),
)
def collections_models(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
):
    """Ingest what arrived; build the day's dunning stages, headend commands, payment
    retries, write-offs and usage alerts with their tests; when all pass, record
    what is sent in the ledger."""
    day = context.partition_key
    _require_a_bill_run(cablebill)
    build_missing(cablebill, seeds_read_by(DAILY.removeprefix("tag:")))
    settings = run_parameters.billing()
    report = cablebill.ingest(settings)
    log.info("collections %s: %d deliveries loaded", day, report.count("loaded"))
    dbt_vars = settings | {"as_of": day}
    for selection, what in _phases(context):
        yield from build(context, cablebill, dbt_vars, selection, f"{what} {day}")


def _phases(context: AssetExecutionContext) -> list[tuple[list[str], str]]:
    """dbt's selection for the day's models and tests, then for the ledger models that
    record what they send and the exports that read it: of the step's assets, or of
    all of them."""
    evaluate, record = "collections", "recording what collections send on"
    selection, indirect = selection_for(context, DAILY, None)
    indirect_args = ["--indirect-selection", indirect] if indirect else []
    if selection == ["--select", DAILY]:
        return [
            ([*selection, "--exclude", RECORDING, AFTER_RECORDING], evaluate),
            (["--select", f"{DAILY},{RECORDING}", f"{DAILY},{AFTER_RECORDING}"], record),
        ]
    nodes = get_manifest_and_translator_from_dbt_assets([context.assets_def])[0]["nodes"]
    selected = [
        spec.metadata[DAGSTER_DBT_UNIQUE_ID_METADATA_KEY]
        for spec in context.assets_def.specs
        if spec.key in context.selected_asset_keys
    ]
    recording = {RECORDING_TAG, AFTER_RECORDING_TAG}
    first = [nodes[uid]["name"] for uid in selected if not recording & set(nodes[uid]["tags"])]
    then = [nodes[uid]["name"] for uid in selected if recording & set(nodes[uid]["tags"])]
    phases = [(["--select", *first, *indirect_args], evaluate)] if first else []
    return [*phases, (["--select", *then, f"{DAILY},{AFTER_RECORDING}", *indirect_args], record)]


@asset(deps=[collections_models], partitions_def=collection_days, group_name="collections")
def collections(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> MaterializeResult:
    """The day's exports (what was sent: dunning actions, headend commands, payment
    retries, write-offs, usage alerts; and the revenue assurance report) and its
    dunning notices, with the rows of each file."""
    day = context.partition_key
    as_of = date.fromisoformat(day)
    out_dir = cablebill.collections_dir(day)
    with cablebill.read_warehouse() as con:
        written = write_daily_exports(
            con, as_of, out_dir, run_parameters.billing()["csv_byte_order_mark"]
        )
        notices = write_notices(con, as_of, out_dir / "notices", cablebill.operator)
    for w in written:
        log.info("collections %s: %s: %d rows", day, w.name, w.rows)
    log.info("collections %s: %d notices", day, notices)
    if publish(cablebill):
        log.info("collections %s: support console published", day)
    return MaterializeResult(
        metadata={
            **{w.name: w.rows for w in written},
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

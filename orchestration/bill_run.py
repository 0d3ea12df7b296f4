"""Run one bill cycle, or one day of collections, through Dagster, in this process,
recorded in the instance.

Used by `cablebill run` and `cablebill collect`; the same jobs run from the Dagster UI.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from expectations import validator
from orchestration import collector, dbt_runner
from orchestration.settings import engine_environment, read_warehouse, warehouse_path

# Gate metadata holding the rows each event entity holds in suspense.
SUSPENSE_PREFIX = "feed_suspense/"
# The CLI prints its own progress; Dagster's console log would repeat every event.
QUIET_DAGSTER = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
# The instance of a home: runs queue and start one at a time (the warehouse takes one writer).
INSTANCE_CONFIG = Path(__file__).parent / "deploy" / "dagster.yaml"

log = logging.getLogger("cablebill.bill_run")


@dataclass(frozen=True)
class Gate:
    """One quality check of a run: a gate (expectations/) or a dbt test."""

    name: str
    passed: bool
    blocking: bool
    summary: str | None = None
    observed: dict[str, int] = field(default_factory=dict)


@dataclass
class BillRunResult:
    cycle: str
    success: bool
    preview: bool = False
    errors: list[str] = field(default_factory=list)
    accounts_billed: int = 0
    # current charges per currency
    invoice_totals: dict[str, Decimal] = field(default_factory=dict)
    rows_quarantined: int = 0
    quarantine_total: int = 0
    deliveries_rejected: int = 0
    exports_dir: Path | None = None
    statements_dir: Path | None = None
    log_path: Path | None = None
    gates: list[Gate] = field(default_factory=list)
    quality_dir: Path | None = None
    run_id: str | None = None

    @property
    def title(self) -> str:
        return f"{'preview' if self.preview else 'bill run'} {self.cycle}"

    @property
    def in_suspense(self) -> dict[str, int]:
        """Rows taken in per event entity that name no known account."""
        return next((g.observed for g in self.gates if g.observed), {})


@dataclass
class CollectionsResult:
    as_of: str
    success: bool
    errors: list[str]
    log_path: Path
    recorded: dict[str, int] = field(default_factory=dict)
    folder: Path | None = None

    @property
    def title(self) -> str:
        return f"collections {self.as_of}"


def _root_cause(error) -> str:
    """The innermost error's message: what went wrong, not which wrapper reported it;
    a step's deliberate refusal (a Dagster Failure) by its description alone."""
    while error.cause is not None:
        error = error.cause
    message = error.message.strip()
    if error.cls_name == "Failure":
        message = message.partition(": ")[2] or message
    return message


# The cycle's invoices and current charges per currency: of the drafts
# (models/quality/quality_cycle_totals.sql), or as closed (models/outputs/cycle_summary.sql).
PREVIEW_TOTALS = (
    "select currency, invoices, current_charges from quality.cycle_totals "
    "where invoices > 0 order by currency"
)
CLOSED_TOTALS = (
    "select currency, invoices, current_charges from outputs.cycle_summary "
    "where cycle_date = ? and currency is not null order by currency"
)


def configure_environment(home: Path, inbox: Path) -> None:
    """Point the definitions at `home` and `inbox`; the Dagster instance lives in home."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ["CABLEBILL_HOME"] = str(home.resolve())
    os.environ["CABLEBILL_INBOX"] = str(inbox.resolve())
    os.environ["CABLEBILL_WAREHOUSE"] = str(warehouse_path(home.resolve()))
    os.environ.update(engine_environment(home))
    if "DAGSTER_HOME" not in os.environ:
        dagster_home = home.resolve() / "dagster"
        dagster_home.mkdir(exist_ok=True)
        config = dagster_home / "dagster.yaml"
        if not config.exists():
            shutil.copyfile(INSTANCE_CONFIG, config)
        os.environ["DAGSTER_HOME"] = str(dagster_home)


def _execute(
    job_name: str,
    partitions,
    key: str,
    home: Path,
    log_name: str,
    settings,
    overrides=None,
    ops_config: dict | None = None,
    without: tuple[str, ...] = (),
    only: list | None = None,
):
    """Run a job of the definitions for one partition, in this process, its stdout
    (dbt's log) in `<home>/logs/<log_name>-<run id>.log`, a file per run. Settings
    and gate overrides (the run_parameters resource) and `ops_config` ({op: config})
    go in the run config; the
    assets named in `without` (and what depends on them) are left out; with `only`
    (asset keys), just those run."""
    from dagster import AssetSelection, DagsterInstance

    from orchestration.definitions import defs

    with collector.settled(), DagsterInstance.get() as instance:
        if not instance.has_dynamic_partition(partitions.name, key):
            instance.add_dynamic_partitions(partitions.name, [key])
        run_id = str(uuid.uuid4())
        log_path = home / "logs" / f"{log_name}-{run_id[:8]}.log"
        log_path.parent.mkdir(exist_ok=True)
        job = defs.resolve_job_def(job_name)
        selection = only
        if without:
            left_out = AssetSelection.assets(*without).downstream()
            selection = list((AssetSelection.all() - left_out).resolve(job.asset_layer.asset_graph))
            selection = [k for k in selection if k in job.asset_layer.executable_asset_keys]
        with log_path.open("w") as log_file, contextlib.redirect_stdout(log_file):
            result = job.execute_in_process(
                instance=instance,
                partition_key=key,
                run_config=_run_config(settings, overrides, ops_config),
                raise_on_error=False,
                asset_selection=selection,
                run_id=run_id,
            )
        validator.flush()  # the gates' Data Docs, written while the run went on
    errors = [
        f"{e.step_key}: {_root_cause(e.step_failure_data.error)}"
        for e in result.get_step_failure_events()
    ]
    return result, errors, log_path


def _run_config(settings: dict | None, overrides: dict | None, ops_config: dict | None) -> dict:
    parameters = {"settings": settings or {}, "gate_overrides": overrides or {}}
    run_config = QUIET_DAGSTER | {"resources": {"run_parameters": {"config": parameters}}}
    if ops_config:
        run_config["ops"] = {op: {"config": c} for op, c in ops_config.items()}
    return run_config


def run_collections(
    inbox: Path, as_of: date, home: Path, settings: dict | None = None
) -> CollectionsResult:
    """Run the collections of `as_of`: dunning, headend commands, retries, write-offs,
    usage alerts, notices."""
    configure_environment(home, inbox)
    dbt_runner.start()
    from orchestration.partitions import collection_days

    key = as_of.isoformat()
    result, errors, log_path = _execute(
        "collections_daily", collection_days, key, home, f"collections-{key}", settings
    )
    outcome = CollectionsResult(key, result.success, errors, log_path)
    if result.success:
        (materialization,) = result.asset_materializations_for_node("collections")
        outcome.recorded = {
            name: materialization.metadata[name].value
            for name in (
                "dunning_actions",
                "headend_commands",
                "payment_retries",
                "write_offs",
                "usage_alerts",
                "notices",
            )
        }
        outcome.folder = home / "collections" / key
    return outcome


def _gate(evaluation) -> Gate:
    from dagster import AssetCheckSeverity

    summary = evaluation.metadata.get("summary")
    return Gate(
        evaluation.check_name,
        evaluation.passed,
        evaluation.severity == AssetCheckSeverity.ERROR,
        summary.value if summary is not None else None,
        {
            key.removeprefix(SUSPENSE_PREFIX): entry.value
            for key, entry in evaluation.metadata.items()
            if key.startswith(SUSPENSE_PREFIX)
        },
    )


def left_undone(instance, cycle: str) -> list:
    """The steps after the close of closed cycle `cycle` that no run completed (a run
    killed or failed after the close), as asset keys to run again: each one not
    materialized for the cycle since its close, and each asset with checks upstream
    of those, so that its gate is evaluated again before what it guards. Empty when
    the cycle's bill run finished."""
    from dagster import AssetRecordsFilter, AssetSelection

    from orchestration.assets.dbt import CLOSED
    from orchestration.definitions import defs

    job = defs.resolve_job_def("bill_run")
    graph = job.asset_layer.asset_graph

    def materialized_at(key) -> float | None:
        records = instance.fetch_materializations(
            AssetRecordsFilter(asset_key=key, asset_partitions=[cycle]), limit=1
        ).records
        return records[0].timestamp if records else None

    after = AssetSelection.assets(CLOSED).downstream() - AssetSelection.assets(CLOSED)
    after_keys = [k for k in after.resolve(graph) if k in job.asset_layer.executable_asset_keys]
    closed_at = materialized_at(CLOSED) or 0.0  # the close may have died before saying so
    undone = {k for k in after_keys if (materialized_at(k) or -1.0) < closed_at}
    if not undone:
        return []
    upstream = AssetSelection.assets(*undone).upstream().resolve(graph)
    gated = {k for k in after_keys if k in upstream and graph.get(k).check_keys}
    return sorted(undone | gated, key=lambda k: k.to_user_string())


def finish_closed_cycle(
    inbox: Path, cycle: date, home: Path, pdf: bool = True
) -> BillRunResult | None:
    """Complete what the close of closed cycle `cycle` left undone (the journal and
    reports, the exports and their gate, the statements, the summary): the files are
    those an uninterrupted run writes. None when the cycle's bill run had finished."""
    from dagster import AssetKey, DagsterInstance

    configure_environment(home, inbox)
    key = cycle.isoformat()
    with DagsterInstance.get() as instance:
        undone = left_undone(instance, key)
    if not undone:
        return None
    log.info(
        "bill run %s: the cycle is closed, but its close left undone: %s; completing them",
        key,
        ", ".join(k.to_user_string() for k in undone),
    )
    validator.start()
    dbt_runner.start()
    from orchestration.partitions import bill_cycles

    statements = AssetKey(["statements"]) in undone
    result, errors, log_path = _execute(
        "bill_run",
        bill_cycles,
        key,
        home,
        f"bill-run-{key}",
        None,
        ops_config={"statements": {"pdf": pdf}} if statements else None,
        only=undone,
    )
    return _outcome(result, errors, log_path, home, key, preview=False)


def run_bill_cycle(
    inbox: Path,
    cycle: date,
    home: Path,
    preview: bool = False,
    settings: dict | None = None,
    overrides: dict[str, str] | None = None,
    pdf: bool = True,
    statements: bool = True,
) -> BillRunResult:
    """Run the cycle's bill run; a preview stops at the gated drafts. `settings`
    override billing settings for this run and `overrides` ({gate: reason}) let
    anomaly gates pass (both recorded as run tags, the overrides also in the ledger);
    `pdf` False renders HTML statements only; `statements` False leaves them out (the
    benchmark times them on their own)."""
    configure_environment(home, inbox)
    validator.start()
    dbt_runner.start()
    from orchestration.partitions import bill_cycles

    key = cycle.isoformat()
    result, errors, log_path = _execute(
        "bill_run_preview" if preview else "bill_run",
        bill_cycles,
        key,
        home,
        f"bill-run-{key}",
        settings,
        overrides,
        ops_config=None if preview or not statements else {"statements": {"pdf": pdf}},
        without=() if statements else ("statements",),
    )
    return _outcome(result, errors, log_path, home, key, preview)


def _outcome(result, errors, log_path, home: Path, key: str, preview: bool) -> BillRunResult:
    """What a bill run's result says, with the cycle's invoices as the warehouse has them."""
    from orchestration.assets.ingest import RUN_SUMMARY

    outcome = BillRunResult(
        key,
        result.success,
        preview=preview,
        log_path=log_path,
        gates=[_gate(e) for e in result.get_asset_check_evaluations()],
        quality_dir=home / "quality" / key,
        run_id=result.run_id,
    )
    if not result.success:
        outcome.errors = errors
        return outcome
    if result.job_def.graph.has_node_named("ingest_inbox"):
        for materialization in result.asset_materializations_for_node("ingest_inbox"):
            if materialization.asset_key == RUN_SUMMARY:
                meta = materialization.metadata
                outcome.rows_quarantined = meta["rows_quarantined"].value
                outcome.deliveries_rejected = meta["deliveries_rejected"].value
    with read_warehouse(home) as con:
        if preview:  # the drafts' totals per currency, as the anomaly gate saw them
            totals = con.execute(PREVIEW_TOTALS).fetchall()
        else:
            totals = con.execute(CLOSED_TOTALS, [date.fromisoformat(key)]).fetchall()
        (outcome.quarantine_total,) = con.execute(
            "select count(*) from ingest.quarantine"
        ).fetchall()[0]
    outcome.accounts_billed = sum(invoices for _, invoices, _ in totals)
    outcome.invoice_totals = {currency: Decimal(charges) for currency, _, charges in totals}
    if not preview:
        outcome.exports_dir = home / "exports" / key
        outcome.statements_dir = home / "statements" / key
    return outcome

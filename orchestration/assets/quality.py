"""Quality gates: blocking checks in front of billing, the close and everything after.

Each gate runs Great Expectations suites (`expectations/`) and renders their
validation results as Data Docs under `<home>/quality/<cycle>/`. A failed gate
names the suite, the expectation, how many rows broke it and a sample of them;
with severity ERROR it stops every asset downstream of the one it checks.
"""

import contextlib
import json
import logging
from collections.abc import Iterator
from datetime import date

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    Failure,
    MetadataValue,
    asset_check,
    multi_asset_check,
)

from expectations.anomalies import validate_bill_jumps, validate_cycle_totals
from expectations.exports import validate_exports
from expectations.feeds import review_quarantine, validate_feeds
from expectations.gate import GateResult, publish_docs
from expectations.invoice_arithmetic import validate_coverage, validate_invoices
from expectations.ledger import validate_ledger
from orchestration import dbt_runner
from orchestration.assets.dbt import CLOSED, FEED_GATES
from orchestration.exports import exported_files
from orchestration.partitions import PARTITION_TAG
from orchestration.settings import CablebillHome, RunParameters

log = logging.getLogger("cablebill.quality")

INVOICES = AssetKey(["marts", "invoices"])


def _cycle(context: AssetCheckExecutionContext) -> str:
    return context.run.tags[PARTITION_TAG]  # the bill run's cycle


@contextlib.contextmanager
def _read(
    cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection whose timestamps read in the run's operator time zone,
    as the gates' samples show them to ops (comparisons and dates do not depend on
    it)."""
    with cablebill.read_warehouse() as con:
        con.execute("set TimeZone = ?", [run_parameters.settings.operator_timezone])
        yield con


def _verdict(
    context: AssetCheckExecutionContext,
    results: list[GateResult],
    cablebill: CablebillHome,
    cycle: str,
    gate: str | None = None,
    block: bool = True,
    override: str | None = None,
) -> Iterator[AssetCheckResult]:
    """One check result for the suites of a gate, with what each observed. A gate
    overridden for the run (with `override`, the reason) warns instead of blocking.
    The gate's Data Docs pages are written here, once for all its suites. A blocking
    failure then fails the step with a message in plain words: which gate, and what
    it found (Dagster's own would only say that a blocking check failed)."""
    publish_docs(cablebill.quality_dir(cycle))
    passed = all(r.success for r in results)
    metadata = {}
    for r in results:
        (log.info if r.success else log.warning if not block else log.error)(
            "gate %s", r.describe()
        )
        metadata[f"{r.name}_rows_checked"] = r.rows_checked
        for failure in r.failures:
            metadata[f"{r.name}_{failure.column or failure.expectation}_unexpected"] = (
                failure.unexpected_count
            )
        for key, count in r.observed.items():
            metadata[f"{r.name}/{key}"] = count
    lines = [f"- {r.describe()}" for r in results if not r.success]
    if override is not None:
        lines.append(f"- overridden for this run: {override}")
        block = False
    if not passed:
        metadata["summary"] = MetadataValue.md("\n".join(lines))
    docs = cablebill.quality_dir(cycle) / "index.html"
    metadata["data_docs"] = MetadataValue.path(str(docs))
    gate = gate or context.check_specs[0].name
    yield AssetCheckResult(
        check_name=gate,
        asset_key=next(s.asset_key for s in context.check_specs if s.name == gate),
        passed=passed,
        metadata=metadata,
        severity=AssetCheckSeverity.ERROR if block else AssetCheckSeverity.WARN,
    )
    if block and not passed:
        found = "; ".join(
            f"{r.name}: {f.column or f.expectation} on {f.unexpected_count:,} rows"
            for r in results
            for f in r.failures
        )
        raise Failure(
            description=f"BLOCKED by {gate}: {found}. Nothing this gate guards was run; "
            f"the check's summary and the Data Docs ({docs}) show the rows.",
            allow_retries=False,
        )


DELIVERIES = AssetKey(["ingest", "deliveries"])


# The feed gates' rows started by the ingest step of a run: (run id, build).
_prebuilt: tuple[str, dbt_runner.Background] | None = None


def _feed_gate_args(cycle: str, settings: dict) -> list[str]:
    dbt_vars = json.dumps(settings | {"cycle_date": cycle})
    return ["run", "--select", FEED_GATES, "--vars", dbt_vars, *dbt_runner.BUILD_FLAGS]


def prebuild_feed_gate_rows(run_id: str, cycle: str, settings: dict) -> None:
    """Start building the feed gates' rows (models/quality/feeds) for the run's cycle
    in dbt's process, while this one records what ingest loaded: the ingest step
    calls it once it no longer reads the warehouse."""
    global _prebuilt
    _prebuilt = (run_id, dbt_runner.Background(_feed_gate_args(cycle, settings)))


def _feed_gate_rows(run_id: str, cycle: str, settings: dict) -> dbt_runner.Outcome:
    """The feed gates' rows built for the run's cycle: those the ingest step started,
    or built now (a gate run on its own, or with other settings)."""
    global _prebuilt
    args = _feed_gate_args(cycle, settings)
    prebuilt, _prebuilt = _prebuilt, None
    if prebuilt is not None:
        outcome = prebuilt[1].outcome()  # waited for in any case: builds take turns
        if prebuilt[0] == run_id and prebuilt[1].args == args:
            return outcome
    *_, outcome = dbt_runner.stream(args)
    return outcome


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            "feeds_complete",
            asset=DELIVERIES,
            blocking=True,
            description="Every required feed delivered for the whole period, no delivery "
            "refused and left so, quarantine under max_quarantine_share per entity, no "
            "subscription to an unknown product, no usage sent again under new ids, usage in "
            "suspense under max_suspense_share (suites `feed_deliveries`, `feed_quarantine`, "
            "`feed_duplicates`, `feed_suspense`); a failure stops billing.",
        ),
        AssetCheckSpec(
            "quarantine_review",
            asset=DELIVERIES,
            blocking=False,
            description="Every quarantined row the cycle takes in of an entity too small "
            "(under quarantine_min_rows rows) for its share to be judged, listed for review "
            "(suite `quarantine_review`); a warning, never a block.",
        ),
    ],
    can_subset=False,
)
def feed_gates(
    context: AssetCheckExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[AssetCheckResult]:
    """Build the feed gates' rows for the cycle (models/quality/feeds), then check them."""
    cycle = _cycle(context)
    settings = run_parameters.billing()
    outcome = _feed_gate_rows(context.run.run_id, cycle, settings)
    if not outcome.success:
        raise RuntimeError(f"the feed gates' rows for cycle {cycle} failed: {outcome.reason}")
    docs = cablebill.quality_dir(cycle)
    with _read(cablebill, run_parameters) as con:
        review = review_quarantine(con, docs)
        feeds = validate_feeds(con, settings, docs)
    yield from _verdict(context, [review], cablebill, cycle, "quarantine_review", block=False)
    yield from _verdict(context, feeds, cablebill, cycle, "feeds_complete")


@asset_check(
    asset=INVOICES,
    additional_deps=[AssetKey(["marts", "invoice_lines"]), AssetKey(["marts", "dim_accounts"])],
    blocking=True,
    description="Every account billable in the cycle has exactly one invoice (suite "
    "`invoice_coverage`) and every invoice adds up (suite `invoice_arithmetic`); a failure "
    "stops the close, exports and statements.",
)
def invoice_arithmetic(
    context: AssetCheckExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[AssetCheckResult]:
    cycle = _cycle(context)
    docs = cablebill.quality_dir(cycle)
    with _read(cablebill, run_parameters) as con:
        results = [validate_coverage(con, docs), validate_invoices(con, docs)]
    yield from _verdict(context, results, cablebill, cycle)


@asset_check(
    asset=CLOSED,
    blocking=True,
    description="Every numbered invoice and credit note of the ledger: numbers unique and "
    "gapless per yearly series, invoices equal to their lines, components and amount due "
    "(suite `ledger_documents`); a failure stops the journal, exports and statements.",
)
def ledger_integrity(
    context: AssetCheckExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[AssetCheckResult]:
    cycle = _cycle(context)
    with _read(cablebill, run_parameters) as con:
        result = validate_ledger(con, cablebill.quality_dir(cycle))
    yield from _verdict(context, [result], cablebill, cycle)


@asset_check(
    asset=AssetKey(["exports"]),
    blocking=True,
    description="Every export file, read back from disk, has the rows and the money total "
    "of the relation it was written from (suite `exports`).",
)
def exports_match_marts(
    context: AssetCheckExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[AssetCheckResult]:
    cycle = _cycle(context)
    files = exported_files(date.fromisoformat(cycle), cablebill.exports_dir(cycle))
    with _read(cablebill, run_parameters) as con:
        result = validate_exports(con, files, cablebill.quality_dir(cycle))
    yield from _verdict(context, [result], cablebill, cycle)


def _anomaly_gate(
    context,
    cablebill: CablebillHome,
    run_parameters: RunParameters,
    validate,
    name: str,
    action: str,
):
    """An anomaly gate: it blocks or only warns as the setting `action` says; ops may
    override it for one run with a recorded reason."""
    cycle, settings = _cycle(context), run_parameters.billing()
    with _read(cablebill, run_parameters) as con:
        result = validate(con, settings, cablebill.quality_dir(cycle))
    yield from _verdict(
        context,
        [result],
        cablebill,
        cycle,
        block=settings[action] == "block",
        override=run_parameters.gate_overrides.get(name),
    )


@asset_check(
    asset=INVOICES,
    blocking=True,
    description="The cycle's invoice count and charges within anomaly_tolerance_pct of the "
    "previous cycle's (suite `cycle_totals`); blocks or warns per anomaly_action, and "
    "warns when ops override it for the run with a reason.",
)
def cycle_totals(
    context: AssetCheckExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[AssetCheckResult]:
    yield from _anomaly_gate(
        context, cablebill, run_parameters, validate_cycle_totals, "cycle_totals", "anomaly_action"
    )


@asset_check(
    asset=INVOICES,
    blocking=True,
    description="Accounts whose bill grew more than bill_jump_factor times since the "
    "previous cycle, listed for review (suite `bill_jumps`); warns or blocks per "
    "bill_jump_action.",
)
def bill_jumps(
    context: AssetCheckExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[AssetCheckResult]:
    yield from _anomaly_gate(
        context, cablebill, run_parameters, validate_bill_jumps, "bill_jumps", "bill_jump_action"
    )

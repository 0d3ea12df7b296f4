"""Quality gates: blocking checks in front of billing, the close and everything after.

Each gate runs Great Expectations suites (`expectations/`) and renders their
validation results as Data Docs under `<home>/quality/<cycle>/`. A failed gate
names the suite, the expectation, how many rows broke it and a sample of them;
with severity ERROR it stops every asset downstream of the one it checks.
"""

import contextlib
import logging
from collections.abc import Iterator
from datetime import date

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    Failure,
    MetadataValue,
    asset_check,
)

from expectations.anomalies import validate_bill_jumps, validate_cycle_totals
from expectations.exports import validate_exports
from expectations.feeds import review_quarantine, validate_feeds
from expectations.gate import GateResult, publish_docs
from expectations.invoice_arithmetic import validate_coverage, validate_invoices
from expectations.ledger import validate_ledger
from orchestration.assets.dbt import CLOSED
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
    yield AssetCheckResult(
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
        gate = context.check_specs[0].name
        raise Failure(
            description=f"BLOCKED by {gate}: {found}. Nothing this gate guards was run; "
            f"the check's summary and the Data Docs ({docs}) show the rows.",
            allow_retries=False,
        )


@asset_check(
    asset=AssetKey(["ingest", "deliveries"]),
    blocking=True,
    description="Every required feed delivered for the whole period, no delivery refused "
    "and left so, quarantine under max_quarantine_share per entity, no subscription to an "
    "unknown product (suites `feed_deliveries`, `feed_quarantine`); a failure stops billing.",
)
def feeds_complete(
    context: AssetCheckExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[AssetCheckResult]:
    cycle = _cycle(context)
    settings = run_parameters.billing()
    with _read(cablebill, run_parameters) as con:
        results = validate_feeds(
            con,
            date.fromisoformat(cycle),
            settings,
            settings["operator_timezone"],
            cablebill.quality_dir(cycle),
        )
    yield from _verdict(context, results, cablebill, cycle)


@asset_check(
    asset=AssetKey(["ingest", "deliveries"]),
    blocking=False,
    description="Every quarantined row the cycle takes in of an entity too small "
    "(under quarantine_min_rows rows) for its share to be judged, listed for review "
    "(suite `quarantine_review`); a warning, never a block.",
)
def quarantine_review(
    context: AssetCheckExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
) -> Iterator[AssetCheckResult]:
    cycle = _cycle(context)
    with _read(cablebill, run_parameters) as con:
        result = review_quarantine(
            con, date.fromisoformat(cycle), run_parameters.billing(), cablebill.quality_dir(cycle)
        )
    yield from _verdict(context, [result], cablebill, cycle, block=False)


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

"""Quality gates: blocking checks between the draft invoices and everything downstream."""

import logging
from datetime import date

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetKey,
    MetadataValue,
    asset_check,
)

from expectations.invoice_arithmetic import validate_invoices
from orchestration.partitions import PARTITION_TAG
from orchestration.settings import CablebillHome

log = logging.getLogger("cablebill.quality")


@asset_check(
    asset=AssetKey(["marts", "invoices"]),
    additional_deps=[AssetKey(["marts", "invoice_lines"]), AssetKey(["marts", "dim_accounts"])],
    blocking=True,
    description="Every invoice of the cycle adds up (Great Expectations suite "
    "`invoice_arithmetic`); a failure stops exports and statements.",
)
def invoice_arithmetic(
    context: AssetCheckExecutionContext, cablebill: CablebillHome
) -> AssetCheckResult:
    cycle = context.run.tags[PARTITION_TAG]  # the bill run's cycle
    with cablebill.read_warehouse() as con:
        result = validate_invoices(con, date.fromisoformat(cycle))
    (log.info if result.success else log.error)("gate %s", result.describe())
    metadata = {"invoices_checked": result.rows_checked}
    for failure in result.failures:
        metadata[f"{failure.column or failure.expectation}_unexpected"] = failure.unexpected_count
    if result.failures:
        metadata["summary"] = MetadataValue.md(result.describe())
    return AssetCheckResult(passed=result.success, metadata=metadata)

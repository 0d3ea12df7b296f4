"""Shadow billing as a Dagster job: `cablebill shadow` (orchestration/shadow.py) with
the same config, launched from the UI. It holds the home like any run, writes
nothing into the warehouse and reports where its files went."""

from pathlib import Path

import pydantic
from dagster import Config, Failure, MetadataValue, OpExecutionContext, Output, job, op

from orchestration.replay import NotReplayable
from orchestration.settings import CablebillHome, parse_overrides
from orchestration.shadow import Candidate, shadow


class ShadowConfig(Config):
    """The cycle and the candidate change, as `cablebill shadow` takes them."""

    cycle: str = pydantic.Field(description="The cycle to bill, YYYY-MM-DD.")
    settings: dict[str, str] = pydantic.Field(
        default_factory=dict,
        description="Candidate billing settings, NAME: VALUE (docs/settings.md).",
    )
    catalog: str | None = pydantic.Field(
        default=None, description="A candidate catalog: products in the CMS feed's format."
    )
    tax_rates: str | None = pydantic.Field(
        default=None, description="Candidate VAT rates: a file of the tax_rates seed's columns."
    )
    out: str | None = pydantic.Field(
        default=None,
        description="The folder to write into; by default <home>/shadow/<cycle>-<run>.",
    )


@op(description="Bill the cycle as it is and with the candidate change in a scratch copy.")
def shadow_bill(
    context: OpExecutionContext, config: ShadowConfig, cablebill: CablebillHome
) -> Output:
    if cablebill.on_spark:
        raise Failure("shadow billing builds on DuckDB; this home bills on Spark")
    pairs = [f"{name}={value}" for name, value in config.settings.items()]
    try:
        candidate = Candidate(
            parse_overrides(pairs),
            Path(config.catalog) if config.catalog else None,
            Path(config.tax_rates) if config.tax_rates else None,
        )
        home = cablebill.home_dir
        out = Path(config.out or home / "shadow" / f"{config.cycle}-{context.run_id[:8]}")
        found = shadow(home, config.cycle, candidate, out)
    except (ValueError, NotReplayable) as error:  # a bad candidate file among them
        raise Failure(str(error)) from None
    totals = {
        f"charges_{currency}": f"{before} -> {after} ({after - before:+})"
        for currency, (before, after) in found.totals.items()
    }
    return Output(
        None,
        metadata={
            "change": ", ".join(candidate.describe()),
            "accounts_billed": found.accounts,
            "accounts_affected": found.affected,
            "report": MetadataValue.path(str(out / "report.html")),
            **totals,
        },
    )


@job(
    description="Shadow billing: bill a cycle with a candidate change (settings, catalog, "
    "VAT rates) beside the real run, and write what it does to each account. The ledger "
    "is not written and no invoice number is used."
)
def shadow_billing():
    shadow_bill()

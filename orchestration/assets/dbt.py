"""The dbt project as Dagster assets: models and seeds, with dbt tests as asset checks.

Two selections: the billing models build the cycle's drafts before the close; the
models tagged `after_close` (the journal, payment allocation and finance reports in
`accounting`, the exported quarantine in `outputs`) read the closed ledger, so they
depend on the close. Models tagged `daily` (collections) are built by the daily
collections run.
"""

import json
import logging
import sys
from pathlib import Path

from dagster import AssetCheckResult, AssetExecutionContext, AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import DBT_PROJECT_DIR, SETTINGS_TAG

log = logging.getLogger("cablebill.dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

_GROUPS = {"staging": "staging", "intermediate": "billing", "marts": "billing"}
AFTER_CLOSE = "tag:after_close"
DAILY = "tag:daily"
CLOSED = AssetKey(["ledger", "close"])


class CablebillTranslator(DagsterDbtTranslator):
    """Sources keep the keys of the assets that write them (`raw/accounts`,
    `ledger/invoices`); models are grouped by layer; models tagged after_close follow
    the close."""

    def get_asset_spec(self, manifest, unique_id, project) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("source."):
            props = manifest["sources"][unique_id]
            return spec.replace_attributes(key=AssetKey([props["schema"], props["name"]]))
        props = manifest["nodes"][unique_id]
        if props["resource_type"] == "seed":
            return spec.replace_attributes(group_name="settings")
        layer = props["fqn"][1] if len(props["fqn"]) > 2 else "marts"
        if "after_close" in props["tags"]:
            return spec.replace_attributes(group_name=layer).merge_attributes(deps=[CLOSED])
        return spec.replace_attributes(group_name=_GROUPS.get(layer, "billing"))


def dbt_resource() -> DbtCliResource:
    """dbt from the same environment as this Python, whether or not it is activated."""
    return DbtCliResource(
        project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=f"{AFTER_CLOSE} {DAILY}",
    partitions_def=bill_cycles,
    dagster_dbt_translator=CablebillTranslator(),
    backfill_policy=one_cycle_per_run,
)
def billing_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """Build the cycle's drafts: seeds, staging, rating and invoice marts, with their tests."""
    yield from _build(context, dbt, "the drafts")


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=AFTER_CLOSE,
    name="accounting_models",
    partitions_def=bill_cycles,
    dagster_dbt_translator=CablebillTranslator(),
    backfill_policy=one_cycle_per_run,
)
def accounting_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """Build the journal, payment allocations, finance reports and the exported
    quarantine from the closed ledger."""
    yield from _build(context, dbt, "the journal and reports")


def _build(context: AssetExecutionContext, dbt: DbtCliResource, what: str):
    cycle = context.partition_key
    settings = json.loads(context.run.tags.get(SETTINGS_TAG, "{}"))
    log.info("dbt: building %s of cycle %s", what, cycle)
    built = checks = 0
    failed: list[str] = []
    invocation = dbt.cli(
        [
            "build",
            "--vars",
            json.dumps(settings | {"cycle_date": cycle}),
            "--exclude-resource-type",
            "unit_test",
        ],
        context=context,
        raise_on_error=False,
        # one target folder for every run (runs never overlap): no folder per run piles up
        target_path=dbt_project.project_dir / "target",
    )
    for event in invocation.stream():
        if isinstance(event, AssetCheckResult):
            checks += 1
            if not event.passed:
                failed.append(event.check_name)
        else:
            built += 1
        yield event
    log.info("dbt: %d built, %d tests run, %d failed", built, checks, len(failed))
    if not invocation.is_successful():
        reason = f"failing tests: {', '.join(failed)}" if failed else invocation.get_error()
        raise RuntimeError(f"dbt build failed for cycle {cycle}: {reason or 'see the log'}")

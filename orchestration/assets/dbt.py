"""The dbt project as Dagster assets: models and seeds, with dbt tests as asset checks.

Two selections: the billing models build the cycle's drafts before the close; the
models tagged `after_close` (the journal, payment allocation and finance reports in
`accounting`, the exported quarantine in `outputs`) read the closed ledger, so they
depend on the close. Models tagged `daily` (collections) are built by the daily
collections run.
"""

import json
import logging

from dagster import AssetCheckResult, AssetExecutionContext, AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets
from dagster_dbt.asset_utils import (
    get_manifest_and_translator_from_dbt_assets,
    get_subset_selection_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration import dbt_runner
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import DBT_PROJECT_DIR, SETTINGS_TAG

log = logging.getLogger("cablebill.dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

_GROUPS = {"staging": "staging", "intermediate": "billing", "marts": "billing"}
AFTER_CLOSE = "tag:after_close"
DAILY = "tag:daily"
CLOSED = AssetKey(["ledger", "close"])
# The run's own log holds what dbt prints; its run_results.json and a second copy of
# the manifest would only cost time (about 1.5 s a build).
BUILD_FLAGS = ("--no-write-json", "--log-level-file", "none")


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


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=f"{AFTER_CLOSE} {DAILY}",
    partitions_def=bill_cycles,
    dagster_dbt_translator=CablebillTranslator(),
    backfill_policy=one_cycle_per_run,
)
def billing_models(context: AssetExecutionContext):
    """Build the cycle's drafts: seeds, staging, rating and invoice marts, with their tests."""
    yield from _build(context, "the drafts", exclude=f"{AFTER_CLOSE} {DAILY}")


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=AFTER_CLOSE,
    name="accounting_models",
    partitions_def=bill_cycles,
    dagster_dbt_translator=CablebillTranslator(),
    backfill_policy=one_cycle_per_run,
)
def accounting_models(context: AssetExecutionContext):
    """Build the journal, payment allocations, finance reports and the exported
    quarantine from the closed ledger."""
    yield from _build(context, "the journal and reports", select=AFTER_CLOSE)


def _build(
    context: AssetExecutionContext, what: str, select: str | None = None, exclude: str | None = None
):
    """`dbt build` of the cycle in this process (orchestration.dbt_runner), the selected
    subset only, each node's result yielded as it finishes."""
    cycle = context.partition_key
    settings = json.loads(context.run.tags.get(SETTINGS_TAG, "{}"))
    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    selection, indirect = get_subset_selection_for_context(
        context, manifest, select, exclude, None, translator, None
    )
    log.info("dbt: building %s of cycle %s", what, cycle)
    built = checks = 0
    failed: list[str] = []
    args = [
        "build",
        "--vars",
        json.dumps(settings | {"cycle_date": cycle}),
        "--exclude-resource-type",
        "unit_test",
        *selection,
        *(["--indirect-selection", indirect] if indirect else []),
        *BUILD_FLAGS,
    ]
    for item in dbt_runner.stream(args):
        if isinstance(item, dbt_runner.Outcome):
            outcome = item
            break
        for event in DbtCoreCliEventMessage(item, {}).to_default_asset_events(
            manifest, translator, context, project=dbt_project
        ):
            if isinstance(event, AssetCheckResult):
                checks += 1
                if not event.passed:
                    failed.append(event.check_name)
            else:
                built += 1
            yield event
    log.info("dbt: %d built, %d tests run, %d failed", built, checks, len(failed))
    if not outcome.success:
        reason = f"failing tests: {', '.join(failed)}" if failed else outcome.reason
        raise RuntimeError(f"dbt build failed for cycle {cycle}: {reason}")

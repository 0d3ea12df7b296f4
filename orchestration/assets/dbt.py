"""The dbt project as Dagster assets: models and seeds, with dbt tests as asset checks.

Two selections: the billing models build the cycle's drafts before the close (the
models tagged `close`, run by the close step, orchestration/assets/ledger.py); the
models tagged `after_close` (the journal, payment allocation and finance reports in
`accounting`, the exported quarantine in `outputs`) read the closed ledger, so they
depend on the close. Models tagged `daily` (collections) are built by the daily
collections run, those tagged `feed_gates` (the feed gates' rows) by the feed gates'
step, before the drafts. Models tagged `support` (what support agents read) belong
to no run.

Models tagged `internal` (staging views and rating steps) are built and tested with
their stage but are no assets: an asset depends on the nearest assets upstream of
it, through them, and a step that builds some of the stage's assets builds the
internal models they read too.
"""

import json
import logging
from datetime import date

from dagster import AssetCheckResult, AssetExecutionContext, AssetKey, AssetSpec, Output
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_UNIQUE_ID_METADATA_KEY,
    get_manifest_and_translator_from_dbt_assets,
    get_subset_selection_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration import dbt_runner
from orchestration.asset_figures import figures
from orchestration.partitions import bill_cycles, one_cycle_per_run
from orchestration.settings import DBT_PROJECT_DIR, RUN_DATES, CablebillHome, RunParameters

log = logging.getLogger("cablebill.dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

AFTER_CLOSE = "tag:after_close"
CLOSE_TAG = "close"
CLOSE = f"tag:{CLOSE_TAG}"
DAILY = "tag:daily"
RECORDING_TAG = "recording"
AFTER_RECORDING_TAG = "after_recording"
FEED_GATES = "tag:feed_gates"
# views support agents read (models/support): no run builds them (orchestration/views.py)
SUPPORT = "tag:support"
INTERNAL = "internal"
CLOSED = AssetKey(["ledger", "close"])


class CablebillTranslator(DagsterDbtTranslator):
    """Sources keep the keys of the assets that write them (`raw/accounts`,
    `ledger/invoices`); a model depends on the assets it reads through internal
    models; seeds are the settings group, the drafts' marts and the subscription
    history the billing group, and models tagged after_close follow the close in
    their layer's group."""

    def __init__(self):
        super().__init__()
        self._specs: dict[str, AssetSpec] = {}
        self._specs_of = None  # the manifest the specs are of

    def get_asset_spec(self, manifest, unique_id, project) -> AssetSpec:
        """Each node's spec once per manifest: dagster-dbt asks about 2,900 times while
        the definitions load, and a node's spec names its parents' keys."""
        if self._specs_of is not manifest:
            self._specs, self._specs_of = {}, manifest
        if unique_id not in self._specs:
            self._specs[unique_id] = self._spec(manifest, unique_id, project)
        return self._specs[unique_id]

    def _spec(self, manifest, unique_id, project) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("source."):
            props = manifest["sources"][unique_id]
            return spec.replace_attributes(key=AssetKey([props["schema"], props["name"]]))
        props = manifest["nodes"][unique_id]
        if any(_is_internal(manifest, parent) for parent in _parents(props)):
            parents = sorted(_asset_parents(manifest, props))
            spec = spec.replace_attributes(
                deps=[self.get_asset_spec(manifest, parent, project).key for parent in parents]
            )
        if props["resource_type"] == "seed":
            return spec.replace_attributes(group_name="settings")
        if "daily" in props["tags"]:
            return _daily(manifest, props, spec)
        if "after_close" in props["tags"]:
            layer = props["fqn"][1]
            return spec.replace_attributes(group_name=layer).merge_attributes(deps=[CLOSED])
        return spec.replace_attributes(group_name="billing")


def _daily(manifest, props, spec: AssetSpec) -> AssetSpec:
    """A collections model's spec. A model that runs before the day's recording reads
    (as a source) what earlier days recorded: it does not depend on the ledger model
    that records today's."""
    spec = spec.replace_attributes(group_name="collections")
    if {RECORDING_TAG, AFTER_RECORDING_TAG} & set(props["tags"]):
        return spec
    recorded = {
        AssetKey([node["schema"], node["alias"]])
        for node in manifest["nodes"].values()
        if {RECORDING_TAG, "daily"} <= set(node["tags"])
    }
    return spec.replace_attributes(deps=[d for d in spec.deps if d.asset_key not in recorded])


def _parents(props) -> list[str]:
    return props["depends_on"].get("nodes", [])


def _is_internal(manifest, unique_id: str) -> bool:
    node = manifest["nodes"].get(unique_id)  # sources are not nodes
    return node is not None and INTERNAL in node["tags"]


def _walk_internal(manifest, unique_ids) -> tuple[set[str], set[str]]:
    """Upstream of `unique_ids`, through internal models: (the internal models passed,
    the nodes and sources where the walk stopped)."""
    passed, reached, todo = set(), set(), list(unique_ids)
    while todo:
        parent = todo.pop()
        if parent in passed or parent in reached:
            continue
        if _is_internal(manifest, parent):
            passed.add(parent)
            todo.extend(_parents(manifest["nodes"][parent]))
        else:
            reached.add(parent)
    return passed, reached


def _asset_parents(manifest, props) -> set[str]:
    """The assets a node reads, directly or through internal models."""
    return _walk_internal(manifest, _parents(props))[1]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=f"{CLOSE} {AFTER_CLOSE} {DAILY} {FEED_GATES} {SUPPORT} tag:{INTERNAL}",
    partitions_def=bill_cycles,
    dagster_dbt_translator=CablebillTranslator(),
    backfill_policy=one_cycle_per_run,
)
def billing_models(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
):
    """Build the cycle's drafts: seeds, staging, rating and invoice marts, with their tests."""
    yield from _build(
        context,
        cablebill,
        run_parameters,
        "the drafts",
        exclude=f"{CLOSE} {AFTER_CLOSE} {DAILY} {FEED_GATES} {SUPPORT}",
        internal=True,
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=AFTER_CLOSE,
    exclude=f"tag:{INTERNAL}",
    name="accounting_models",
    partitions_def=bill_cycles,
    dagster_dbt_translator=CablebillTranslator(),
    backfill_policy=one_cycle_per_run,
)
def accounting_models(
    context: AssetExecutionContext, cablebill: CablebillHome, run_parameters: RunParameters
):
    """Build the journal, payment allocations, finance reports and the exported
    quarantine from the closed ledger."""
    yield from _build(
        context, cablebill, run_parameters, "the journal and reports", select=AFTER_CLOSE
    )


def stage_inputs(tag: str) -> list[AssetKey]:
    """The assets the dbt models tagged `tag` read (for a stage run by a step of its
    own, such as the close), through internal models; not the stage's own tables,
    which its models read as sources."""
    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([billing_models])
    nodes = manifest["nodes"]
    staged = [uid for uid, node in nodes.items() if tag in node["tags"]]
    own = {(nodes[uid]["schema"], nodes[uid]["alias"]) for uid in staged}
    read = set().union(*(_asset_parents(manifest, nodes[uid]) for uid in staged)) - set(staged)
    return sorted(
        (
            translator.get_asset_spec(manifest, uid, dbt_project).key
            for uid in read
            if _table(manifest, uid) not in own
        ),
        key=lambda key: key.to_user_string(),
    )


def _table(manifest, unique_id: str) -> tuple[str, str]:
    """(schema, table name) of a node or source."""
    if unique_id in manifest["sources"]:
        props = manifest["sources"][unique_id]
        return props["schema"], props["identifier"]
    props = manifest["nodes"][unique_id]
    return props["schema"], props["alias"]


def _build(
    context: AssetExecutionContext,
    cablebill: CablebillHome,
    run_parameters: RunParameters,
    what: str,
    select: str | None = None,
    exclude: str | None = None,
    internal: bool = False,
):
    """`dbt build` of the cycle (orchestration.dbt_runner): the stage, or its selected
    assets, with the internal models they read if the stage builds them (`internal`:
    the drafts; later stages read them as the drafts left them)."""
    cycle = context.partition_key
    selection, indirect = selection_for(context, select, exclude)
    if internal and "--select" in selection:  # a subset of the stage's assets
        at = selection.index("--select") + 1
        manifest = get_manifest_and_translator_from_dbt_assets([context.assets_def])[0]
        selection[at] = " ".join([selection[at], *_internal_upstream(context, manifest)])
    log.info("dbt: building %s of cycle %s", what, cycle)
    yield from build(
        context,
        cablebill,
        run_parameters.billing() | {"cycle_date": cycle},
        [*selection, *(["--indirect-selection", indirect] if indirect else [])],
        f"cycle {cycle}",
    )


def selection_for(
    context: AssetExecutionContext, select: str | None, exclude: str | None
) -> tuple[list[str], str | None]:
    """dbt's selection arguments for the step's assets and checks: `select` and
    `exclude` when it runs all of them, and dbt's indirect selection to use."""
    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    return get_subset_selection_for_context(
        context, manifest, select, exclude, None, translator, None
    )


def build(
    context: AssetExecutionContext,
    cablebill: CablebillHome,
    dbt_vars: dict,
    selection: list[str],
    what: str,
):
    """`dbt build` of `selection` with `dbt_vars`, in dbt's process
    (orchestration.dbt_runner). Each check's result is yielded as it finishes, each
    asset's when the build has ended, with its figures (orchestration.asset_figures):
    the warehouse can be read only then."""
    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    args = [
        "build",
        "--vars",
        json.dumps(dbt_vars),
        "--exclude-resource-type",
        "unit_test",
        *selection,
        *dbt_runner.BUILD_FLAGS,
    ]
    outputs, assets = context.assets_def.keys_by_output_name, context.assets_def.keys
    built: list[Output] = []
    checks = 0
    for item in dbt_runner.stream(args):
        if isinstance(item, dbt_runner.Outcome):
            outcome = item
            break
        if _tests_internal_model(manifest, item):
            continue  # no asset check: dagster-dbt would log a warning per test
        for event in DbtCoreCliEventMessage(item, {}).to_default_asset_events(
            manifest, translator, context, project=dbt_project
        ):
            if isinstance(event, AssetCheckResult) and event.asset_key in assets:
                checks += 1
                yield event
            elif isinstance(event, Output) and event.output_name in outputs:
                built.append(event)
    yield from _with_figures(cablebill, manifest, built, dbt_vars)
    log.info(
        "dbt: %d assets built, %d checks run; %d nodes failed",
        len(built),
        checks,
        len(outcome.failed),
    )
    if not outcome.success:
        raise RuntimeError(f"dbt build failed for {what}: {outcome.reason}")


def _tests_internal_model(manifest, result: dict) -> bool:
    """Whether a node result is a test's on internal models only (no asset's check:
    its failure fails the build, which says so)."""
    unique_id = result["data"]["node_info"]["unique_id"]
    if not unique_id.startswith("test."):
        return False
    parents = _parents(manifest["nodes"][unique_id])
    return bool(parents) and all(_is_internal(manifest, parent) for parent in parents)


def _with_figures(cablebill: CablebillHome, manifest, built: list[Output], dbt_vars: dict):
    """Each Output with its table's figures for the run's cycle or day."""
    if not built:
        return
    (dated,) = RUN_DATES & dbt_vars.keys()
    nodes = [manifest["nodes"][output.metadata["unique_id"].value] for output in built]
    with cablebill.read_warehouse() as con:
        counted = figures(con, nodes, dated, date.fromisoformat(dbt_vars[dated]))
    for output, node in zip(built, nodes, strict=True):
        yield output.with_metadata({**output.metadata, **counted.get(node["unique_id"], {})})


def _internal_upstream(context: AssetExecutionContext, manifest) -> list[str]:
    """The internal models the step's selected assets read, by name."""
    selected = [
        spec.metadata[DAGSTER_DBT_UNIQUE_ID_METADATA_KEY]
        for spec in context.assets_def.specs
        if spec.key in context.selected_asset_keys
    ]
    return sorted(internal_upstream(manifest, selected))


def internal_upstream(manifest, unique_ids) -> set[str]:
    """The names of the internal models the nodes `unique_ids` read, directly or
    through other internal models."""
    parents = [
        parent for unique_id in unique_ids for parent in _parents(manifest["nodes"][unique_id])
    ]
    return {manifest["nodes"][node]["name"] for node in _walk_internal(manifest, parents)[0]}

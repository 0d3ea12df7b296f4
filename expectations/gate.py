"""Running a suite over a table of per-row observations, and what a gate reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int
    sample: list[dict]


@dataclass
class GateResult:
    name: str
    success: bool
    rows_checked: int
    failures: list[Failure] = field(default_factory=list)
    # counts a gate reports whether it passes or not (e.g. rows in suspense per entity)
    observed: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        if self.success:
            return f"{self.name}: passed on {self.rows_checked:,} rows"
        parts = [
            f"{f.expectation}({f.column}) failed for {f.unexpected_count} rows, e.g. {f.sample}"
            for f in self.failures
        ]
        return f"{self.name}: FAILED on {self.rows_checked:,} rows: " + "; ".join(parts)


DOCS_SITE = "cablebill"


def run_suite(
    name: str,
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict,
    expectations: list,
    id_columns: tuple[str, ...],
    docs_dir: Path | None = None,
    report: tuple[str, str] | None = None,
) -> GateResult:
    """Validate the rows of `sql` against `expectations` with an ephemeral GX context,
    rendering the validation as Data Docs under `docs_dir` when given. A failure's
    sample rows show `id_columns` (what identifies a row, and what explains it);
    `report` (key column, count column) names counts observed on every row.

    `expectations` are GX expectation objects. Great Expectations is imported here,
    not at module load, because importing it costs seconds.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    frame = con.sql(sql, params=params).df()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas(name)
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(name)
    )
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for expectation in expectations:
        suite.add_expectation(expectation)
    actions = []
    if docs_dir is not None:
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE]))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=name,
            validation_definitions=[
                context.validation_definitions.add(
                    gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
                )
            ],
            actions=actions,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": list(id_columns),
            },
        )
    )
    (validation,) = checkpoint.run(batch_parameters={"dataframe": frame}).run_results.values()
    failures = [
        Failure(
            result.expectation_config.type,
            result.expectation_config.kwargs.get("column"),
            int(result.result.get("unexpected_count") or 0),
            [_plain(row) for row in (result.result.get("unexpected_index_list") or [])[:5]],
        )
        for result in validation.results
        if not result.success
    ]
    observed = (
        {
            str(key): int(value)
            for key, value in zip(frame[report[0]], frame[report[1]], strict=True)
        }
        if report
        else {}
    )
    return GateResult(name, bool(validation.success), len(frame), failures, observed)


def _plain(row: dict) -> dict:
    return {k: v.item() if hasattr(v, "item") else str(v) for k, v in row.items()}

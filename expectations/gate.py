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
# Where a Data Docs folder keeps the validation results of every run (GX's JSON): the
# index lists them all, not only the last run's.
RESULTS_DIR = "results"


@dataclass
class _Validations:
    """The GX context of one Data Docs folder (a cycle's) and the validations run in
    it whose pages are not written yet."""

    docs_dir: Path | None
    context: object
    unpublished: list = field(default_factory=list)


_current: _Validations | None = None


def _validations(docs_dir: Path | None) -> _Validations:
    """The process's GX context for the gates of `docs_dir`: created once and reused
    by every suite of the run (a context costs a tenth of a second, Great Expectations'
    import seconds, so it is imported here, not at module load). Only the newest
    folder's context is kept. With a folder, the validation results are stored in it,
    and its Data Docs site is expectations/docs_site.py's."""
    global _current
    if _current is None or _current.docs_dir != docs_dir:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        from expectations import docs_site

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        if docs_dir is not None:
            context.add_store(
                "validations_on_disk",
                {
                    "class_name": "ValidationResultsStore",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir / RESULTS_DIR),
                    },
                },
            )
            context.variables.validation_results_store_name = "validations_on_disk"
            context.add_data_docs_site(DOCS_SITE, docs_site.site_config(docs_dir))
        _current = _Validations(docs_dir, context)
    return _current


def publish_docs(docs_dir: Path) -> None:
    """Write the Data Docs pages of the validations run for `docs_dir` since the last
    call, and its index, which lists every validation stored in the folder, this
    run's and earlier runs'. Called once per gate: rendering costs more than
    validating."""
    from expectations import docs_site

    validations = _validations(docs_dir)
    if validations.unpublished:
        validations.context.build_data_docs(
            site_names=[DOCS_SITE], resource_identifiers=validations.unpublished
        )
        validations.unpublished = []
        docs_site.copy_assets(docs_dir)


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
    """Validate the rows of `sql` against `expectations` (GX expectation objects); with
    `docs_dir`, the validation goes in that folder's Data Docs at the next
    `publish_docs`. A failure's sample rows show `id_columns` (what identifies a row,
    and what explains it); `report` (key column, count column) names counts observed
    on every row."""
    import great_expectations as gx
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    frame = con.sql(sql, params=params).df()
    validations = _validations(docs_dir)
    context = validations.context
    batch_definition = (
        context.data_sources.add_or_update_pandas(name)
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(name)
    )
    suite = context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations))
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=name,
            validation_definitions=[
                context.validation_definitions.add_or_update(
                    gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
                )
            ],
            actions=[],
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": list(id_columns),
            },
        )
    )
    ((identifier, validation),) = checkpoint.run(
        batch_parameters={"dataframe": frame}
    ).run_results.items()
    if docs_dir is not None:
        validations.unpublished += [identifier, ExpectationSuiteIdentifier(name=name)]
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

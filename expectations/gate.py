"""Running a suite over a table of per-row observations, and what a gate reports."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def describe(self) -> str:
        if self.success:
            return f"{self.name}: passed on {self.rows_checked:,} rows"
        parts = [
            f"{f.expectation}({f.column}) failed for {f.unexpected_count} rows, e.g. {f.sample}"
            for f in self.failures
        ]
        return f"{self.name}: FAILED on {self.rows_checked:,} rows: " + "; ".join(parts)


def run_suite(
    name: str,
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict,
    expectations: list,
    id_column: str,
) -> GateResult:
    """Validate the rows of `sql` against `expectations` with an ephemeral GX context.

    `expectations` are GX expectation objects. Great Expectations is imported here,
    not at module load, because importing it costs seconds.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    frame = con.sql(sql, params=params).df()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas(name)
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(name)
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(name=name)
    for expectation in expectations:
        suite.add_expectation(expectation)
    validation = batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [id_column]},
    )
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
    return GateResult(name, bool(validation.success), len(frame), failures)


def _plain(row: dict) -> dict:
    return {k: v.item() if hasattr(v, "item") else v for k, v in row.items()}

"""Great Expectations' part of a gate: validating a table of observations, and the
Data Docs, in this process or in a process of its own.

Importing Great Expectations costs about 2 s. `start` forks that process early,
and it imports Great Expectations while the run goes on with other work (loading
Dagster, ingesting); the gates then send it their tables. Without it (a run in the
Dagster UI), they are validated in the process that asks.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

log = logging.getLogger("cablebill.quality")

DOCS_SITE = "cablebill"
# Where a Data Docs folder keeps the validation results of every run (GX's JSON): the
# index lists them all, not only the last run's.
RESULTS_DIR = "results"


@dataclass(frozen=True)
class Expectation:
    """A Great Expectations expectation by its class name and arguments, built where
    the suite is validated."""

    kind: str
    kwargs: dict

    @classmethod
    def between(cls, column: str, min_value=None, max_value=None) -> Expectation:
        return cls(
            "ExpectColumnValuesToBeBetween",
            {"column": column, "min_value": min_value, "max_value": max_value},
        )

    @classmethod
    def not_null(cls, column: str) -> Expectation:
        return cls("ExpectColumnValuesToNotBeNull", {"column": column})

    @classmethod
    def unique(cls, column: str) -> Expectation:
        return cls("ExpectColumnValuesToBeUnique", {"column": column})


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int
    sample: list[dict]


def validate(
    name: str,
    table: pa.Table,
    timezone: str,
    expectations: list[Expectation],
    id_columns: tuple[str, ...],
    docs_dir: Path | None,
) -> tuple[bool, list[Failure]]:
    """Validate `table` against `expectations` as suite `name`: whether it passed, and
    what failed, each with up to five sample rows showing `id_columns` (times in
    `timezone`). With `docs_dir`, the validation goes in that folder's Data Docs at the
    next `publish`."""
    return _call("_validate", name, table, timezone, expectations, id_columns, docs_dir)


def publish(docs_dir: Path) -> None:
    """Write the Data Docs pages of the validations run for `docs_dir` since the last
    call, and its index, which lists every validation stored in the folder, this
    run's and earlier runs'. Called once per gate: rendering costs more than
    validating, so the validating process writes them while the run goes on; the
    next call, `flush` or `stop` waits for them, and says when they failed."""
    _call("_publish", docs_dir, wait=False)


def flush() -> None:
    """Wait until the Data Docs asked for are written."""
    with _lock:
        helper = _own_helper()
        if helper is not None and helper.pending:
            _published(helper)


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
    by every suite of the run (a context costs a tenth of a second). Only the newest
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


def _validate(
    name: str,
    table: pa.Table,
    timezone: str,
    expectations: list[Expectation],
    id_columns: tuple[str, ...],
    docs_dir: Path | None,
) -> tuple[bool, list[Failure]]:
    import great_expectations as gx
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    validations = _validations(docs_dir)
    context = validations.context
    batch_definition = (
        context.data_sources.add_or_update_pandas(name)
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(name)
    )
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(
            name=name,
            expectations=[getattr(gx.expectations, e.kind)(**e.kwargs) for e in expectations],
        )
    )
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
    # through DuckDB, so that the frame's types (times in `timezone`) are those of the
    # query's own .df()
    with duckdb.connect() as con:
        con.execute("set TimeZone = ?", [timezone])
        frame = con.from_arrow(table).df()
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
    return bool(validation.success), failures


def _plain(row: dict) -> dict:
    return {k: v.item() if hasattr(v, "item") else str(v) for k, v in row.items()}


def _publish(docs_dir: Path) -> None:
    from expectations import docs_site

    validations = _validations(docs_dir)
    if validations.unpublished:
        validations.context.build_data_docs(
            site_names=[DOCS_SITE], resource_identifiers=validations.unpublished
        )
        validations.unpublished = []
        docs_site.copy_assets(docs_dir)


@dataclass
class _Helper:
    """The validating process (`start`), the connection to it, and the process that
    started it (a process forked from that one validates on its own)."""

    process: multiprocessing.process.BaseProcess
    connection: multiprocessing.connection.Connection
    owner: int = field(default_factory=os.getpid)
    # a call sent without waiting, whose answer is still to be read
    pending: bool = False


_helper: _Helper | None = None
_lock = threading.Lock()


def start() -> None:
    """Start the validating process, forked from this one, if it is not running."""
    global _helper
    with _lock:
        if _helper is not None and _helper.owner == os.getpid() and _helper.process.is_alive():
            return
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        process = context.Process(
            target=_serve, args=(theirs, ours), name="great-expectations", daemon=True
        )
        process.start()
        theirs.close()
        _helper = _Helper(process, ours)
    atexit.register(stop)


def stop() -> None:
    """Stop the validating process, if started here."""
    global _helper
    with _lock:
        helper, _helper = _helper, None
    if helper is not None and helper.owner == os.getpid():
        # Data Docs still being written are finished; nothing else is asked of it now
        # (a call waits for its answer): it may stop at once, even half-way through
        # importing Great Expectations
        if helper.pending:
            _published(helper)
        helper.connection.close()
        helper.process.terminate()
        helper.process.join()


def _serve(connection, parents_end) -> None:
    """The validating process: import Great Expectations, then validate and publish as
    asked until the process that started it goes away."""
    parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # it ends with the process that asks
    # behind the run's own process and dbt's, which need the cores first
    os.nice(10)
    # GX imports pyspark when it is installed (for the Spark target), to validate
    # Spark DataFrames; the gates send Arrow tables, so this process does without it
    # (a second of CPU while the run starts)
    sys.modules.setdefault("pyspark", None)
    import great_expectations  # noqa: F401  (what this process is for)

    while True:
        try:
            function, args = connection.recv()
        except EOFError:
            return
        try:
            connection.send((True, _FUNCTIONS[function](*args)))
        except Exception as error:  # raised again in the process that asked
            connection.send((False, f"{type(error).__name__}: {error}"))


_FUNCTIONS = {"_validate": _validate, "_publish": _publish}


def _own_helper() -> _Helper | None:
    return _helper if _helper is not None and _helper.owner == os.getpid() else None


def _answer(helper: _Helper):
    """Read the answer to the last call sent to `helper`: its value, or its error
    raised here."""
    helper.pending = False
    try:
        done, value = helper.connection.recv()
    except EOFError:
        done, value = False, "the validating process stopped"
    if not done:
        raise RuntimeError(f"Great Expectations: {value}")
    return value


def _published(helper: _Helper) -> None:
    """Wait for the Data Docs being written: the pages are a view of the stored
    results, so a failure to write them is reported, not raised."""
    try:
        _answer(helper)
    except RuntimeError as error:
        log.warning("Data Docs not written: %s", error)


def _call(function: str, *args, wait: bool = True):
    """`function(*args)` in the validating process if this process started one, else
    here. Without `wait` (Data Docs), its answer is read at the next call (or
    `flush`), and a failure is logged, not raised."""
    with _lock:
        helper = _own_helper()
        if helper is not None:
            if helper.pending:
                _published(helper)
            helper.connection.send((function, args))
            if not wait:
                helper.pending = True
                return None
            return _answer(helper)
    if wait:
        return _FUNCTIONS[function](*args)
    try:
        _FUNCTIONS[function](*args)
    except Exception as error:
        log.warning("Data Docs not written: %s: %s", type(error).__name__, error)
    return None

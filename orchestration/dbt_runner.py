"""dbt from Python: the project parsed once per process, every build run on it.

A bill run builds twice (the drafts, then the journal after the close) and the
collections once a day. Run as `dbt build` subprocesses, each build paid dbt's
start-up (3-4 s) and, since its vars (the cycle, the run's settings) and its profile
(the home's warehouse path) differ from the last parse's, a full re-parse of the
project (10-20 s). Here the project is parsed with no vars and one profile, so that
partial parsing applies, and builds take their vars when a node is compiled. No
var() may therefore decide a node's config, refs or tests:
`tests/orchestration/test_dbt_runner.py` parses with other vars and compares.

Builds run in dbt's own process (`start`), forked early: it imports dbt and parses
while this one loads Dagster; on DuckDB each build is a process forked from it, on
Spark the builds run in it.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from orchestration import collector, spark_classes
from orchestration.settings import (
    DBT_PROJECT_DIR,
    LAKE_REGISTERED_ENV,
    LAKE_VERSION_ENV,
    dbt_target,
    engine_environment,
)

# The events that report a node's result; dagster-dbt turns them into asset events.
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})

# The run's own log holds what dbt prints.
BUILD_FLAGS = ("--log-level-file", "none")

FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
# What the manifest is parsed from.
_SOURCES = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")

TARGET = DBT_PROJECT_DIR / "target"
WAREHOUSE_ENV = "CABLEBILL_WAREHOUSE"
SPARK_ENVIRONMENT = ("CABLEBILL_SPARK_WAREHOUSE", "CABLEBILL_LAKE")
PARSE_WAREHOUSE = TARGET / "warehouse.duckdb"

_lock = threading.Lock()
_manifests: dict[str, object] = {}
# On Spark, in dbt's process: the lake publication its session has registered
_registered_lake: str | None = None


def target_path(name: str) -> Path:
    """Where a target's parse is kept: target/ for DuckDB (Dagster's definitions read
    its manifest whatever the target), target/<name>/ for another; each keeps its
    partial parse."""
    return TARGET if name == "duckdb" else TARGET / name


def project_args(name: str | None = None) -> list[str]:
    """The project and target, and what every invocation sets: no usage statistics
    sent, no colours in the run's log."""
    name = name or dbt_target()
    return [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target",
        name,
        "--target-path",
        str(target_path(name)),
        "--no-send-anonymous-usage-stats",
        "--no-use-colors",
    ]


@functools.cache
def manifest_nodes() -> tuple[dict, ...]:
    """The models, seeds and tests of target/manifest.json (DuckDB's parse, which
    Dagster's definitions read too), read once per process."""
    manifest = json.loads((TARGET / "manifest.json").read_text("utf-8"))
    return tuple(manifest["nodes"].values())


def is_stale(name: str = "duckdb") -> bool:
    """True when the target's manifest.json is missing or older than any file of the
    project."""
    written = target_path(name) / "manifest.json"
    if not written.exists():
        return True
    built = written.stat().st_mtime
    for name in _SOURCES:
        root = DBT_PROJECT_DIR / name
        paths = [root] if root.is_file() else root.rglob("*")
        if any(p.stat().st_mtime > built for p in paths if p.is_file()):
            return True
    return False


def refresh_manifest() -> None:
    """Parse the project when its manifest.json is stale (`make parse`): a fresh one
    costs no dbt import and no parse."""
    name = dbt_target()
    if is_stale(name):
        manifest(name)


def manifest(name: str | None = None):
    """The project parsed for target `name` (this process's by default), parsed on first
    use in this process; its manifest.json (target/manifest.json, which Dagster reads
    when the definitions load, for DuckDB) is rewritten when it is stale."""
    name = name or dbt_target()
    with _lock:
        if name not in _manifests:
            from dbt.cli.main import dbtRunner

            target = target_path(name)
            target.mkdir(parents=True, exist_ok=True)
            # another process (a run of another home, a test worker) parsing the same
            # changed project at the same time would write the same files
            with FileLock(target / "parse.lock"), parse_profile():
                write = [] if is_stale(name) else ["--no-write-json"]
                result = dbtRunner().invoke(["parse", "--quiet", *write, *project_args(name)])
            if not result.success:
                raise RuntimeError(f"dbt parse failed: {result.exception}")
            _manifests[name] = result.result
        return _manifests[name]


@contextlib.contextmanager
def parse_profile():
    """Parse with the same profile whatever the home: dbt re-parses the whole project
    when the profile differs from the last parse's, and the warehouse's paths are part
    of it. The database name nodes are parsed with is the file's stem, `warehouse` in
    every home."""
    with environment({WAREHOUSE_ENV: str(PARSE_WAREHOUSE)} | engine_environment(TARGET / "spark")):
        yield


@contextlib.contextmanager
def environment(values: dict[str, str]):
    """This process's environment variables set to `values` for a while (the builds
    asked for meanwhile run with them), then as they were."""
    saved = {variable: os.environ.get(variable) for variable in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for variable, value in saved.items():
            if value is None:
                del os.environ[variable]
            else:
                os.environ[variable] = value


@dataclass
class Outcome:
    """How a dbt invocation ended: success, the nodes that failed, dbt's exception, and
    whether the project's hooks ran (a build that selects nothing runs none)."""

    success: bool
    failed: list[str] = field(default_factory=list)
    error: str | None = None
    hooks_ran: bool = False

    @property
    def reason(self) -> str:
        if self.failed:
            return f"failing: {', '.join(self.failed)}"
        return self.error or "see the log"


def invoke(args: Sequence[str], on_event=None) -> Outcome:
    """Run `dbt <args>` on the parsed project; `on_event(msg)` sees every event.

    It writes no run_results.json and no manifest.json: the parse writes the manifest
    (`manifest`), which another process (Dagster's definitions, a test worker) may be
    reading; a copy written here could be read half-written, and would cost about
    1.5 s a build."""
    from dbt.cli.main import dbtRunner

    hooks = []

    def seen(msg) -> None:
        if msg.info.name == "LogHookEndLine":
            hooks.append(msg)
        if on_event:
            on_event(msg)

    runner = dbtRunner(manifest=manifest(), callbacks=[seen])
    try:
        result = runner.invoke([*args, "--no-write-json", *project_args()])
    finally:
        release_warehouse()
    failed = [
        r.node.name
        for r in getattr(result.result, "results", None) or ()
        if str(r.status) in FAILED_STATUSES
    ]
    error = result.exception
    return Outcome(
        result.success, failed, f"{type(error).__name__}: {error}" if error else None, bool(hooks)
    )


@dataclass
class _Server:
    """dbt's own process (`start`), the connection to it, and the process that
    started it (a process forked from that one starts its own)."""

    process: multiprocessing.process.BaseProcess
    connection: multiprocessing.connection.Connection
    owner: int = field(default_factory=os.getpid)
    # the target it was started for (parsed before the fork: dbt's static parser hangs
    # in a fork of a process that has used it, so it never parses another)
    target: str = field(default_factory=dbt_target)
    # the Spark session its builds started, by the home's folders (_session); Spark
    # keeps the warehouse and catalog it started with for the life of the process
    session: tuple | None = None
    # its session's JVM options for the class archive, and the archive that JVM
    # writes when it ends, to keep (orchestration/spark_classes.py)
    class_options: str = ""
    pending_archive: Path | None = None


@dataclass(frozen=True)
class _Exited:
    """The dbt process's word that a build's process has ended, with its exit code."""

    code: int


_server: _Server | None = None
_server_lock = threading.Lock()
_stream_lock = threading.Lock()


def start() -> None:
    """Start dbt's own process, forked from this one, which every later `stream` build
    forks from: it imports dbt and parses the project while this process goes on
    (loading Dagster's definitions, ingesting, the feed gates), on the other core.
    When target/manifest.json is stale, the project is parsed here first: Dagster's
    definitions read that file."""
    global _server
    with _server_lock:
        if _server is not None and _server.owner == os.getpid() and _server.process.is_alive():
            return
        if is_stale():
            manifest("duckdb")
        if _manifests:
            # dbt's static parser hangs in a fork of a process that has used it: the
            # build's target is parsed here too
            manifest()
        # imported here, where Dagster's dbt integration needs most of it anyway, the
        # fork shares it: dbt's process then only parses (2-3 s of CPU less per run)
        import dbt.cli.main  # noqa: F401

        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        # not a daemon, so that its builds may be processes of their own; stopped at exit
        process = context.Process(target=_serve, args=(theirs, ours), name="dbt-server")
        process.start()
        theirs.close()
        _server = _Server(process, ours)
    atexit.register(stop)


def _serve(connection, parents_end) -> None:
    """The dbt process: parse, then run each build asked for, until the process that
    started it goes away (closes `parents_end`, of which this copy is closed).

    On DuckDB each build is a process forked from this one (each starts from the parsed
    project and nothing else). On Spark the builds run here, one after another: Spark's
    session (its JVM, the catalog, the JIT's warm-up) lives as long as the process that
    started it, and a bill run's four builds then start it once (docs/benchmarks.md).

    A Ctrl-C stops the build, not this process: it ends with the caller. A build whose
    caller went away (killed, or it closed the pipe) is stopped, so that no build goes
    on writing the warehouse for nobody."""
    parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _compile_macros(manifest())
    collector.settle()  # every build is forked from here
    # a process serves one target (stream starts another for another)
    build = _build_in_fork if dbt_target() == "duckdb" else _build_here
    while True:
        try:
            args, environment = connection.recv()
        except EOFError:
            return
        code = build(args, environment, connection)
        try:
            connection.send(_Exited(code))
        except OSError:  # the caller is gone
            return


def _compile_macros(parsed) -> None:
    """Compile every macro's Jinja template once, here (about 2 s): each build, forked
    from this process, finds them compiled instead of compiling those it calls again
    (a small bill run's builds about a sixth shorter; docs/benchmarks.md)."""
    from dbt_common.clients.jinja import template_cache

    for macro in parsed.macros.values():
        template_cache.get_node_template(macro)


def _build_in_fork(args: list[str], environment: dict[str, str], connection) -> int:
    """Run a build in a process forked from this one; stop it if its caller goes away."""
    build = multiprocessing.get_context("fork").Process(
        target=_build, args=(args, environment, connection), name="dbt"
    )
    build.start()
    while build.is_alive():
        build.join(0.2)
        if build.is_alive() and connection.poll():  # the caller sends nothing meanwhile
            build.terminate()
    return build.exitcode


def _build_here(args: list[str], environment: dict[str, str], connection) -> int:
    """Run a build in this process; if its caller goes away, end this process (Spark's
    JVM ends with it: it stops when its parent's pipe closes). A build of the lake
    publication the session registered last is told so (LAKE_REGISTERED_ENV): it
    skips the two statements per landed table that registering takes."""
    global _registered_lake
    version = environment.get(LAKE_VERSION_ENV)
    if version is not None and version == _registered_lake:
        environment = {**environment, LAKE_REGISTERED_ENV: "true"}
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            if connection.poll():  # the caller sends nothing meanwhile
                os._exit(1)

    watcher = threading.Thread(target=watch, name="dbt-caller", daemon=True)
    watcher.start()
    try:
        outcome = _build(args, environment, connection)
        if outcome.success and outcome.hooks_ran:  # on-run-start registered the lake
            _registered_lake = version
    finally:
        done.set()
        watcher.join()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return 0


def _session() -> tuple | None:
    """What a build's Spark session is started with (the home's folders), None on
    DuckDB."""
    if dbt_target() == "duckdb":
        return None
    return tuple(os.environ.get(name) for name in SPARK_ENVIRONMENT)


def stream(args: Sequence[str]) -> Iterator[dict | Outcome]:
    """Run `dbt <args>` in dbt's own process (`start`, started now if it was not),
    yielding each node's result as it finishes (the structured event, as dbt's JSON log
    writes it) and last the Outcome; what dbt prints goes to this process's stdout.

    The build runs on a core of its own while this process records each result (in
    Dagster, about as much work again): in one process they would take turns on the
    interpreter lock. It runs with this process's environment of the moment. Builds
    take turns: one asked for meanwhile (by a `Background` build) waits.
    """
    with _stream_lock:
        start()
        session = _session()
        # another target, or another home's Spark session: a new dbt process
        if _server.target != dbt_target() or _server.session not in (None, session):
            stop()
            start()
        if session is not None and _server.session is None:  # its build starts the JVM
            _server.class_options, _server.pending_archive = spark_classes.session_options()
        _server.session = session or _server.session
        connection = _server.connection
        environment = dict(os.environ)
        if _server.class_options:
            environment[spark_classes.OPTIONS_ENV] = _server.class_options
        connection.send((list(args), environment))
        outcome = item = None
        try:
            while True:
                try:
                    item = connection.recv()
                except EOFError:
                    item = _Exited(-1)
                if isinstance(item, _Exited):
                    break
                if isinstance(item, str):
                    sys.stdout.write(item)
                elif isinstance(item, Outcome):
                    outcome = item
                else:
                    yield item
        finally:
            if not isinstance(item, _Exited):  # left half-way: what is still coming is stale
                stop()
        yield outcome or Outcome(False, error=f"dbt stopped with exit code {item.code}")


class Background:
    """`dbt <args>` run by dbt's process while this one goes on, relayed by a thread
    of this one; `outcome()` waits for it to end. Meant for a build whose results
    nobody records one by one (views a later step reads)."""

    def __init__(self, args: Sequence[str]):
        self.args = list(args)
        self._outcome = Outcome(False, error="the build did not run")
        self._thread = threading.Thread(target=self._relay, name="dbt-background")
        self._thread.start()
        _background.append(self)

    def _relay(self) -> None:
        try:
            *_, self._outcome = stream(self.args)
        except Exception as error:  # the build's outcome says so, where it is awaited
            self._outcome = Outcome(False, error=f"{type(error).__name__}: {error}")

    def outcome(self) -> Outcome:
        self._thread.join()
        return self._outcome


_background: list[Background] = []


def drain() -> None:
    """Wait for every background build to end (before the warehouse is let go)."""
    while _background:
        _background.pop().outcome()


def stop() -> None:
    """Stop dbt's process, if started (the next build starts another)."""
    global _server
    with _server_lock:
        server, _server = _server, None
    if server is not None and server.owner == os.getpid():
        jvms = spark_classes.jvms_of(server.process.pid) if server.pending_archive else []
        server.connection.close()  # it ends when it reads that, its build's too
        server.process.join(timeout=1)  # (not while it parses: then it is stopped)
        if server.process.is_alive():
            server.process.terminate()
            server.process.join()
        if jvms:  # Spark's JVM ends with it, and writes the class archive
            spark_classes.keep(server.pending_archive, jvms)


def _send(connection, item) -> None:
    """Send `item` to the process that asked for the build; if it is gone, the build
    has nobody to build for and ends at once."""
    try:
        connection.send(item)
    except OSError:
        os._exit(1)


class _Forward(io.TextIOBase):
    """A build's stdout, sent to the process that asked for the build."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def write(self, text: str) -> int:
        _send(self.connection, text)
        return len(text)


def _build(args: list[str], environment: dict[str, str], connection) -> Outcome:
    """A build's process: run dbt with `environment`, send what it prints, each
    result and the Outcome, which it returns."""
    from dbt_common.events.functions import msg_to_dict

    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ.clear()
    os.environ.update(environment)

    def on_event(msg) -> None:
        if msg.info.name in RESULT_EVENTS:
            _send(connection, msg_to_dict(msg))

    try:
        with contextlib.redirect_stdout(_Forward(connection)):
            outcome = invoke(args, on_event)
    except BaseException as error:  # reported by the parent, which runs the step
        outcome = Outcome(False, error=f"{type(error).__name__}: {error}")
    _send(connection, outcome)
    return outcome


def release_warehouse() -> None:
    """dbt-duckdb keeps its database open for the life of the process: close it, so that
    the gates, the close and the exports can open the file after a build."""
    with contextlib.suppress(ImportError):
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with contextlib.suppress(Exception):  # no environment: nothing is open
            DuckDBConnectionManager.env().close()
        DuckDBConnectionManager.close_all_connections()

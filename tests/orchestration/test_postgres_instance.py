"""The production instance config: `orchestration/deploy/dagster-postgres.yaml` on a
real PostgreSQL server (Debian's, started for the test): runs and their events are
stored there, and runs queue one at a time."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from subprocess import DEVNULL

import pytest
from dagster import DagsterInstance, DagsterRunStatus, QueuedRunCoordinator

from orchestration.definitions import defs

REPO = Path(__file__).resolve().parents[2]
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)


def _as_postgres(*command: str) -> list[str]:
    """Root may not run a PostgreSQL server: run it as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="module")
def postgres():
    if PG_BIN is None:
        pytest.fail("PostgreSQL is not installed: `make test` installs it (Debian postgresql)")
    data = Path(tempfile.mkdtemp(prefix="cablebill-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cluster, sockets = data / "cluster", data
    subprocess.run(
        _as_postgres(str(PG_BIN / "initdb"), "-D", str(cluster), "-U", "dagster", "--auth=trust"),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    # the server's output goes to its log: a pipe would stay open as long as it runs
    start = ("-D", str(cluster), "-o", options, "-l", str(data / "server.log"), "-w", "start")
    subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), *start), check=True, stdout=DEVNULL)
    try:
        yield port
    finally:
        stop = ("-D", str(cluster), "-m", "fast", "-w", "stop")
        subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), *stop), check=False, stdout=DEVNULL)
        shutil.rmtree(data, ignore_errors=True)


def test_runs_are_stored_in_postgres_and_queue_one_at_a_time(postgres, tmp_path, monkeypatch):
    dagster_home = tmp_path / "dagster"
    dagster_home.mkdir()
    shutil.copy(REPO / "orchestration/deploy/dagster-postgres.yaml", dagster_home / "dagster.yaml")
    for name, value in {
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": str(postgres),
        "DAGSTER_PG_DB": "postgres",
        "DAGSTER_PG_USER": "dagster",
        "DAGSTER_PG_PASSWORD": "",
        "CABLEBILL_HOME": str(tmp_path / "home"),
        "CABLEBILL_INBOX": str(tmp_path / "inbox"),
    }.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "inbox").mkdir()

    with DagsterInstance.from_config(str(dagster_home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1
        result = defs.resolve_job_def("ingest_deliveries").execute_in_process(instance=instance)
        assert result.success
    # a new instance (a restarted webserver) sees the run and its events
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs()
        assert (run.run_id, run.job_name) == (result.run_id, "ingest_deliveries")
        assert run.status == DagsterRunStatus.SUCCESS
        steps = [e.step_key for e in instance.all_logs(run.run_id) if e.step_key]
        assert "ingest_new_deliveries" in steps

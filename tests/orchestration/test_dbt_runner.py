"""dbt runs on a manifest parsed once with no vars (a run's vars must not change it), in
dbt's own process."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys

import duckdb
import psutil

from orchestration import dbt_runner


def _shape(manifest) -> dict:
    """What parsing decides of each node: its config, what it depends on, its test."""
    return {
        unique_id: (
            json.dumps(node.config.to_dict(), sort_keys=True, default=str),
            sorted(getattr(node.depends_on, "nodes", ())),
            json.dumps(getattr(node, "test_metadata", None) and node.test_metadata.kwargs),
        )
        for unique_id, node in manifest.nodes.items()
    }


def test_a_runs_vars_do_not_change_what_is_parsed(tmp_path):
    from dbt.cli.main import dbtRunner

    run_vars = {
        "cycle_date": "2027-03-01",
        "as_of": "2027-03-24",
        "required_feeds": ["cms"],
        "anomaly_action": "warn",
        "lookback_cycles": 1,
    }
    with dbt_runner.parse_profile():
        parsed = dbtRunner().invoke(
            [
                "parse",
                "--quiet",
                "--no-partial-parse",
                "--target-path",
                str(tmp_path),
                "--vars",
                json.dumps(run_vars),
                *dbt_runner.project_args(),
            ]
        )
    assert parsed.success, parsed.exception
    assert _shape(parsed.result) == _shape(dbt_runner.manifest())


def _written() -> dict[str, int | None]:
    """When dbt last wrote its JSON files into target/ (None: never)."""
    files = (dbt_runner.TARGET / name for name in ("manifest.json", "run_results.json"))
    return {f.name: f.stat().st_mtime_ns if f.exists() else None for f in files}


def test_a_failed_build_names_its_node_in_this_process_and_in_a_forked_one(tmp_path, monkeypatch):
    """On an empty warehouse the staging view has no raw table to read."""
    monkeypatch.setenv(dbt_runner.WAREHOUSE_ENV, str(tmp_path / "warehouse.duckdb"))
    args = ["build", "--select", "stg_cms__accounts", "--exclude-resource-type", "unit_test"]
    dbt_runner.manifest()
    parsed = _written()
    outcome = dbt_runner.invoke(args)
    assert not outcome.success
    assert outcome.failed == ["stg_cms__accounts"]
    # a build never rewrites the manifest another process may be reading
    assert _written() == parsed
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        *results, streamed = dbt_runner.stream(args)
    assert [r["data"]["node_info"]["unique_id"] for r in results] == [
        "model.cablebill.stg_cms__accounts"
    ]
    assert results[0]["data"]["status"] == "error"
    assert streamed == outcome
    # what dbt's process printed is in this one's stdout (a run's log), in order
    log = printed.getvalue()
    assert log.index("Running with dbt=") < log.index("Concurrency: ")


def test_an_outcome_says_whether_the_project_s_hooks_ran(tmp_path, monkeypatch):
    """A build that selects nothing runs no on-run-start hook: on Spark, one that has
    not registered the lake (dbt_runner._build_here)."""
    monkeypatch.setenv(dbt_runner.WAREHOUSE_ENV, str(tmp_path / "warehouse.duckdb"))
    seeded = dbt_runner.invoke(["seed", "--select", "tax_rates"])
    nothing = dbt_runner.invoke(["build", "--select", "no_such_model"])
    assert seeded.success and seeded.hooks_ran
    assert nothing.success and not nothing.hooks_ran


def test_builds_run_again_after_dbt_s_process_was_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv(dbt_runner.WAREHOUSE_ENV, str(tmp_path / "warehouse.duckdb"))
    args = ["build", "--select", "stg_cms__accounts", "--exclude-resource-type", "unit_test"]
    *_, first = dbt_runner.stream(args)
    dbt_runner.stop()
    *_, again = dbt_runner.stream(args)
    assert first == again and again.failed == ["stg_cms__accounts"]


def test_a_background_build_and_a_streamed_one_take_turns(tmp_path, monkeypatch):
    """dbt's process stops a build when its caller sends anything meanwhile: a build
    asked for while a background one runs waits, and both finish."""
    monkeypatch.setenv(dbt_runner.WAREHOUSE_ENV, str(tmp_path / "warehouse.duckdb"))
    background = dbt_runner.Background(["seed", "--select", "currencies"])
    *_, streamed = dbt_runner.stream(["seed", "--select", "tax_rates"])
    assert background.outcome().success and streamed.success


def test_drain_returns_once_background_builds_let_the_warehouse_go(tmp_path, monkeypatch):
    """A run's end waits for them (CablebillHome's teardown) before the home is free."""
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv(dbt_runner.WAREHOUSE_ENV, str(warehouse))
    dbt_runner.Background(["seed", "--select", "currencies"])
    dbt_runner.drain()
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("select count(*) from settings.currencies").fetchall()[0][0] > 0


# A caller that starts a long build (every unit test), says so once the first result
# is in, and then waits to be killed.
CALLER = """
import sys
from orchestration import dbt_runner
builds = dbt_runner.stream(["build", "--select", "test_type:unit"])
next(builds)
print("building", flush=True)
sys.stdin.read()
"""


def test_a_build_whose_caller_is_killed_stops_with_it(tmp_path):
    """Nothing may go on writing the warehouse for a run that is gone."""
    env = {**os.environ, dbt_runner.WAREHOUSE_ENV: str(tmp_path / "warehouse.duckdb")}
    caller = subprocess.Popen(
        [sys.executable, "-c", CALLER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    )
    # what dbt prints comes first, in the caller's stdout
    assert b"building\n" in iter(caller.stdout.readline, b"")
    helpers = psutil.Process(caller.pid).children(recursive=True)
    assert len(helpers) >= 2  # dbt's process and its build
    caller.kill()
    caller.wait()
    _, alive = psutil.wait_procs(helpers, timeout=5)
    assert alive == []

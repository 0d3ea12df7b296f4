"""A home bills on one engine: the dbt target of its first run."""

from __future__ import annotations

import os

import pytest
from dagster import build_init_resource_context

from orchestration import dbt_runner
from orchestration.settings import CablebillHome, Engine, home_target


def test_a_new_home_takes_the_target_asked_for_and_keeps_it(tmp_path):
    assert home_target(tmp_path / "h", "spark") == "spark"
    assert home_target(tmp_path / "h", None) == "spark"
    with pytest.raises(ValueError, match="bills on spark; it cannot switch to duckdb"):
        home_target(tmp_path / "h", "duckdb")


def test_a_home_from_before_the_target_file_bills_on_duckdb(tmp_path):
    (tmp_path / "warehouse.duckdb").touch()
    with pytest.raises(ValueError, match="bills on duckdb; it cannot switch to spark"):
        home_target(tmp_path, "spark")
    assert home_target(tmp_path, None) == "duckdb"


def test_each_target_is_parsed_into_its_own_folder():
    """Dagster's definitions read target/manifest.json, DuckDB's, whatever the target."""
    duckdb_args, spark_args = dbt_runner.project_args("duckdb"), dbt_runner.project_args("spark")
    assert duckdb_args[duckdb_args.index("--target-path") + 1] == str(dbt_runner.TARGET)
    assert spark_args[spark_args.index("--target") + 1] == "spark"
    assert spark_args[spark_args.index("--target-path") + 1] == str(dbt_runner.TARGET / "spark")


@pytest.fixture
def run_environment():
    """What a run's home sets in the environment (the engine and its folders), put
    back after the test."""
    saved = dict(os.environ)
    os.environ.pop("CABLEBILL_TARGET", None)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_the_launchpads_engine_is_a_new_homes_and_an_old_home_refuses_another(
    tmp_path, run_environment
):
    resource = CablebillHome(home=str(tmp_path / "h"), inbox=str(tmp_path), target=Engine.spark)
    resource.setup_for_execution(build_init_resource_context())
    assert os.environ["CABLEBILL_TARGET"] == "spark"
    assert os.environ["CABLEBILL_SPARK_WAREHOUSE"] == str(tmp_path / "h" / "spark-warehouse")
    assert (tmp_path / "h" / "target").read_text().strip() == "spark"

    again = CablebillHome(home=str(tmp_path / "h"), inbox=str(tmp_path), target=Engine.duckdb)
    with pytest.raises(ValueError, match="bills on spark; it cannot switch to duckdb"):
        again.setup_for_execution(build_init_resource_context())


def test_without_a_choice_a_run_takes_the_deployments_engine(
    tmp_path, run_environment, monkeypatch
):
    monkeypatch.setenv("CABLEBILL_TARGET", "spark")
    CablebillHome(home=str(tmp_path), inbox=str(tmp_path)).setup_for_execution(
        build_init_resource_context()
    )
    assert (tmp_path / "target").read_text().strip() == "spark"

"""A home bills on one engine: the dbt target of its first run."""

from __future__ import annotations

import pytest

from orchestration import dbt_runner
from orchestration.settings import home_target


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

"""The dbt project builds on an empty warehouse, every unit test passes, and every
column that leaves the warehouse is in the data dictionary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from connectors.warehouse import connect
from orchestration.settings import DBT_PROJECT_DIR
from tests.dbt_in_process import dbt

# The schemas people and other systems read: the data dictionary covers every column.
READ = (
    "marts",
    "accounting",
    "outputs",
    "exports",
    "collections",
    "ledger",
    "settings",
    "history",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """`dbt build` with unit tests on an empty warehouse: (warehouse, target, result)."""
    root = tmp_path_factory.mktemp("dbt")
    warehouse, target = root / "warehouse.duckdb", root / "target"
    connect(warehouse, "Asia/Seoul").close()  # the raw tables the connectors own
    return warehouse, target, _dbt(["build", "--target-path", str(target)], warehouse)


def _dbt(args: list[str], warehouse: Path) -> subprocess.CompletedProcess:
    """`dbt <args>` on the project, writing `warehouse`."""
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt), *args, "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "CABLEBILL_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_dbt_build_with_unit_tests_passes_on_an_empty_warehouse(built):
    _, _, result = built
    assert result.returncode == 0, result.stdout[-5000:]
    assert "ERROR=0" in result.stdout
    summary = next(line for line in result.stdout.splitlines() if "unit tests" in line)
    assert "unit tests" in summary


def test_every_column_people_read_is_described(built):
    """`dbt docs` is the data dictionary: every table of the marts, the ledger, the
    journal and reports, collections, settings and history, and each of its columns,
    has a description."""
    warehouse, target, result = built
    assert result.returncode == 0, result.stdout[-5000:]
    manifest = json.loads((target / "manifest.json").read_text())
    # a table dbt writes is described by its model; one it only reads, by its source
    documented = {
        (source["schema"], source["name"]): source for source in manifest["sources"].values()
    }
    documented |= {
        (node["schema"], node["alias"]): node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in (select unnest($schemas)) order by all",
            {"schemas": list(READ)},
        ).fetchall()
    assert {schema for schema, _, _ in columns} == set(READ)
    undescribed = [
        f"{schema}.{table}" if (schema, table) not in documented else f"{schema}.{table}.{column}"
        for schema, table, column in columns
        if (schema, table) not in documented
        or not documented[schema, table]["description"]
        or not documented[schema, table]["columns"].get(column, {}).get("description")
    ]
    assert undescribed == []


def test_the_close_refuses_drafts_built_before_a_write_off_they_should_show(built, tmp_path):
    """The daily run recorded a write-off for the cycle after its drafts were built
    (marts.write_offs does not show it): the close numbers nothing and says what to
    do."""
    warehouse, _, result = built
    assert result.returncode == 0, result.stdout[-5000:]
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "insert into ledger.write_offs values "
            "('A7', date '2026-11-01', date '2026-10-28', 'INV-2026-00000003', 5000, 'KRW')"
        )
    close, printed = dbt(copy, "build", "--select", "tag:close")
    assert not close.success
    assert (
        "cycle 2026-11-01: 1 write-off(s) were recorded after the drafts were built "
        "(A7 (2026-10-28)); run the bill run again to include them"
    ) in printed
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select count(*) from ledger.invoice_numbers").fetchone() == (0,)

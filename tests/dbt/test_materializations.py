"""The project's DuckDB table, view and incremental materializations (dbt_project/
macros/materializations.sql): a rebuild replaces the relation, a relation may change
kind, an incremental table appends or replaces the rows of its key, and a failed
build, by its SQL, its contract or its columns, leaves the relation as it was.

A project of twelve models, with the macros of the real one, in a temporary folder,
built twice: `phase` 1, then 2, which changes each model as its name says.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from connectors.validate import q
from orchestration.settings import DBT_PROJECT_DIR

PROJECT = """
name: materializations
version: "1.0"
profile: materializations
"""

PROFILE = """
materializations:
  target: duckdb
  outputs:
    duckdb:
      type: duckdb
      path: "{warehouse}"
      threads: 1
"""

SECOND = "var('phase', 1) == 2"
# model: (its kind in phase 1, in phase 2, its select in phase 1, in phase 2)
MODELS = {
    "rebuilt": ("table", "table", "13000", "14300"),
    "broken": ("table", "table", "13000", "cast('not a number' as integer)"),
    "table_to_view": ("table", "view", "13000", "900"),
    "view_to_view": ("view", "view", "800", "950"),
    "view_to_table": ("view", "table", "800", "1000"),
}
CONTRACTED = {"null_code": "cast(null as varchar)", "numeric_code": "42"}
# incremental model: (its config, its select in phase 1, in phase 2)
ROW_A = "select 'A' as cycle, 1 as amount"
WITH_NOTE = "select 'B' as cycle, 2 as amount, 'new' as note"
APPEND = "incremental_strategy='append'"
INCREMENTAL = {
    "appended": (APPEND, ROW_A, "select 'B' as cycle, 2 as amount"),
    "replaced_by_key": (
        "incremental_strategy='delete+insert', unique_key='cycle'",
        "select * from (values ('A', 1), ('B', 2)) as t(cycle, amount)",
        "select * from (values ('B', 3), ('C', 4)) as t(cycle, amount)",
    ),
    "broken_append": (
        APPEND,
        ROW_A,
        "select 'B' as cycle, cast('x' as integer) as amount",
    ),
    "column_added": (f"{APPEND}, on_schema_change='fail'", ROW_A, WITH_NOTE),
    "column_ignored": (f"{APPEND}, on_schema_change='ignore'", ROW_A, WITH_NOTE),
}
CONTRACT = """
models:
  - name: appended
    description: What each cycle added.
    config: {persist_docs: {relation: true, columns: true}}
    columns:
      - name: amount
        description: In KRW.
  - name: rebuilt
    description: The base package's price.
    config: {persist_docs: {relation: true, columns: true}}
    columns:
      - name: price
        description: "Monthly, in KRW: 'won'."
""" + "".join(
    f"""
  - name: {name}
    config: {{contract: {{enforced: true}}}}
    columns:
      - name: code
        data_type: varchar
        constraints: [{{type: not_null}}]
"""
    for name in CONTRACTED
)


def _incremental(config: str, first: str, second: str) -> str:
    return (
        f"{{{{ config(materialized='incremental', {config}) }}}}\n"
        f"{{% if {SECOND} %}}{second}{{% else %}}{first}{{% endif %}}\n"
    )


def _model(first_kind: str, second_kind: str, first: str, second: str) -> str:
    return (
        f"{{{{ config(materialized='{second_kind}' if {SECOND} else '{first_kind}') }}}}\n"
        f"select {{% if {SECOND} %}}{second}{{% else %}}{first}{{% endif %}} as price\n"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The project built in phase 1, then in phase 2: (warehouse, phase 2's run)."""
    project = tmp_path_factory.mktemp("materializations")
    (project / "macros").mkdir()
    (project / "macros" / "materializations.sql").write_text(
        (DBT_PROJECT_DIR / "macros" / "materializations.sql").read_text("utf-8"), "utf-8"
    )
    (project / "dbt_project.yml").write_text(PROJECT, "utf-8")
    warehouse = project / "warehouse.duckdb"
    (project / "profiles.yml").write_text(PROFILE.format(warehouse=warehouse), "utf-8")
    models = project / "models"
    models.mkdir()
    for name, spec in MODELS.items():
        (models / f"{name}.sql").write_text(_model(*spec), "utf-8")
    for name, code in CONTRACTED.items():
        (models / f"{name}.sql").write_text(
            _model("table", "table", "'A'", code).replace(" as price", " as code"), "utf-8"
        )
    for name, spec in INCREMENTAL.items():
        (models / f"{name}.sql").write_text(_incremental(*spec), "utf-8")
    (models / "contracted.yml").write_text(CONTRACT, "utf-8")
    first = _run(project, 1)
    assert first.returncode == 0, first.stdout[-3000:]
    return warehouse, _run(project, 2)


def _run(project: Path, phase: int) -> subprocess.CompletedProcess:
    dbt = Path(sys.executable).parent / "dbt"
    args = ["run", "--vars", f"{{phase: {phase}}}", "--project-dir", str(project)]
    return subprocess.run(
        [str(dbt), *args, "--profiles-dir", str(project)],
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True,
        text=True,
        check=False,
    )


def _relations(warehouse: Path) -> dict[str, tuple[str, object]]:
    """Each relation of the warehouse: (its kind, the value it holds)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kinds = con.execute("select table_name, table_type from information_schema.tables")
        return {
            name: (kind, con.table(f"main.{q(name)}").fetchall()[0][0])
            for name, kind in kinds.fetchall()
            if name not in INCREMENTAL
        }


def _rows(warehouse: Path, name: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.table(f"main.{q(name)}").order("all").fetchall()


def test_the_failed_builds_fail_the_run_and_say_why(built):
    _, second = built
    assert second.returncode == 1
    assert "ERROR=5" in second.stdout
    assert "not a number" in second.stdout
    assert "Could not convert string 'x'" in second.stdout
    assert "Source columns not in target: [DuckDBColumn(column='note'" in second.stdout
    assert "NOT NULL constraint failed" in second.stdout
    assert "data type mismatch" in second.stdout


def test_each_relation_is_rebuilt_or_kept_as_it_was(built):
    warehouse, _ = built
    assert _relations(warehouse) == {
        "rebuilt": ("BASE TABLE", 14300),
        "broken": ("BASE TABLE", 13000),  # the failed rebuild left it as it was
        "table_to_view": ("VIEW", 900),
        "view_to_view": ("VIEW", 950),
        "view_to_table": ("BASE TABLE", 1000),
        "null_code": ("BASE TABLE", "A"),  # the contract refused the new rows
        "numeric_code": ("BASE TABLE", "A"),  # and the new column type
    }


def test_an_incremental_table_appends_or_replaces_its_keys_rows_or_keeps_its_own(built):
    warehouse, _ = built
    assert _rows(warehouse, "appended") == [("A", 1), ("B", 2)]
    assert _rows(warehouse, "replaced_by_key") == [("A", 1), ("B", 3), ("C", 4)]
    assert _rows(warehouse, "broken_append") == [("A", 1)]  # the failed build added nothing
    assert _rows(warehouse, "column_added") == [("A", 1)]  # on_schema_change fail
    assert _rows(warehouse, "column_ignored") == [("A", 1), ("B", 2)]  # the new column left out


def test_a_documented_table_carries_its_descriptions(built):
    """Written when a table is built and again when an incremental one takes rows."""
    warehouse, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name, comment from duckdb_tables() where comment is not null"
        ).fetchall()
        columns = con.execute(
            "select table_name, column_name, comment from duckdb_columns()"
            " where comment is not null"
        ).fetchall()
    assert sorted(tables) == [
        ("appended", "What each cycle added."),
        ("rebuilt", "The base package's price."),
    ]
    assert sorted(columns) == [
        ("appended", "amount", "In KRW."),
        ("rebuilt", "price", "Monthly, in KRW: 'won'."),
    ]

"""The Spark target: the same bill run on Apache Spark (dbt-spark, session method)
writes the same bytes as on DuckDB.

The golden scenario and the three-cycle scenario (tests/e2e/three_cycles.py: late
usage, a backdated change, a credit note, a write-off by the collections), each
against the session's DuckDB run of it: every export (CSV, Parquet, e-tax XML,
finance reports), every collections file and every HTML statement. (PDFs are left
out of the Spark runs; they are rendered from the same HTML.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import run_manifest
from tests.e2e import cablebill, three_cycles
from tests.e2e.conftest import GOLDEN

pytestmark = pytest.mark.slow

CYCLE = "2026-11-01"


def _files(folder: Path, pattern: str) -> dict[str, bytes]:
    """Each file's bytes, but the run manifest's (it names the run that wrote it)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob(pattern))
        if path.is_file() and path.name != run_manifest.FILE_NAME
    }


@pytest.fixture(scope="module", autouse=True)
def throwaway_metastores():
    """The module's homes, and their Derby metastores, are thrown away with it: Derby
    need not sync its log to disk at every commit (docs/scale-out.md)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CABLEBILL_SPARK_JAVA_OPTIONS", "-Dderby.system.durability=test")
        yield


@pytest.fixture(scope="module")
def spark_home(tmp_path_factory) -> Path:
    """The golden scenario on Spark, billed in this process, as the rerun below: both
    share dbt's process and its Spark session."""
    home = tmp_path_factory.mktemp("spark")
    result = cablebill(
        "run", "--inbox", str(GOLDEN / "inbox"), "--cycle", CYCLE, "--home", str(home),
        "--no-pdf", "--target", "spark",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return home


@pytest.fixture(scope="module")
def spark_three_cycles(tmp_path_factory) -> three_cycles.Played:
    """The three-cycle scenario on Spark, its runs in this process: they share dbt's
    process and with it one Spark session, as runs of a long-lived deployment do."""
    root = tmp_path_factory.mktemp("spark_three_cycles")
    return three_cycles.play(root, "--target", "spark", "--no-pdf")


def test_the_golden_scenario_billed_on_spark_exports_the_same_bytes(spark_home, golden_run):
    duckdb_home, _ = golden_run
    on_spark = _files(spark_home / "exports" / CYCLE, "*")
    on_duckdb = _files(duckdb_home / "exports" / CYCLE, "*")
    assert sorted(on_spark) == sorted(on_duckdb)
    assert {"invoices.csv", "journal_entries.parquet", "reports/trial_balance.csv"} <= set(on_spark)
    assert [name for name in on_duckdb if on_spark[name] != on_duckdb[name]] == []


def test_the_statements_billed_on_spark_are_those_of_duckdb(spark_home, golden_run):
    duckdb_home, _ = golden_run
    on_spark = _files(spark_home / "statements" / CYCLE, "*.html")
    assert len(on_spark) > 20
    assert on_spark == _files(duckdb_home / "statements" / CYCLE, "*.html")


def test_the_tables_were_built_by_spark(spark_home):
    """dbt wrote its tables as Parquet under the home's Spark warehouse; the DuckDB file
    holds only what the connectors landed."""
    invoices = spark_home / "spark-warehouse" / "marts.db" / "invoices"
    assert list(invoices.glob(f"cycle_date={CYCLE}/*.parquet"))
    assert (spark_home / "lake" / "raw" / "accounts" / "part-00000.parquet").is_file()
    assert (spark_home / "target").read_text().strip() == "spark"


def test_a_closed_cycle_run_again_on_spark_checks_its_ledger_and_bills_nothing(spark_home):
    exports = _files(spark_home / "exports" / CYCLE, "*")
    result = cablebill(
        "run", "--inbox", str(GOLDEN / "inbox"), "--cycle", CYCLE, "--home", str(spark_home),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"cycle {CYCLE} is already closed (" in result.stdout
    assert "Its ledger was checked again: ledger_documents: passed on" in result.stdout
    assert "passed on 0 rows" not in result.stdout  # the gate's table is the ledger's now
    assert _files(spark_home / "exports" / CYCLE, "*") == exports


def test_a_home_keeps_its_engine(spark_home):
    result = cablebill(
        "run", "--inbox", str(GOLDEN / "inbox"), "--cycle", CYCLE, "--home", str(spark_home),
        "--target", "duckdb",
    )  # fmt: skip
    assert result.returncode == 2
    assert "bills on spark; it cannot switch to duckdb" in result.stderr


def test_three_cycles_billed_on_spark_write_the_same_bytes(spark_three_cycles, three_cycle_run):
    on_spark, on_duckdb = spark_three_cycles.home, three_cycle_run.home
    compared = []
    for folder, pattern in (("exports", "*"), ("collections", "*"), ("statements", "*.html")):
        spark_files = _files(on_spark / folder, pattern)
        duckdb_files = _files(on_duckdb / folder, pattern)
        assert sorted(spark_files) == sorted(duckdb_files), folder
        assert [name for name in duckdb_files if spark_files[name] != duckdb_files[name]] == []
        compared += [f"{folder}/{name}" for name in duckdb_files]
    for cycle in three_cycles.CYCLES:
        assert f"exports/{cycle}/invoice_lines.csv" in compared
        assert f"exports/{cycle}/journal_entries.csv" in compared
    assert f"collections/{three_cycles.COLLECTIONS_DAY}/write_offs.csv" in compared
    assert "statements/2026-12-01/CN-2026-00000001.html" in compared

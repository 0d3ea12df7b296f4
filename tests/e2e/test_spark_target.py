"""The Spark target: the same bill runs on Apache Spark (dbt-spark, session method)
write the same bytes as on DuckDB.

One history on Spark (tests/e2e/golden_months.py): the golden scenario's November,
then two months of late usage, a support credit note, a backdated end, payments, a
refund, the collections' write-offs, against the same played on DuckDB: every export
(CSV, Parquet, e-tax XML, finance reports), every collections file and every HTML
statement; and its November against the golden scenario's own run. (PDFs are left
out of the Spark runs; they are rendered from the same HTML.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import run_manifest
from tests.e2e import cablebill, three_cycles
from tests.e2e.golden_months import GOLDEN, GOLDEN_MONTHS

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
    need not sync its log to disk at every commit (docs/scale-out.md). Its runs share
    one Spark session, which would write a class archive (20-30 s) for none to map
    (tests/orchestration/test_spark_classes.py shows the archive)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CABLEBILL_SPARK_JAVA_OPTIONS", "-Dderby.system.durability=test")
        patch.setenv("CABLEBILL_SPARK_CLASS_ARCHIVE", "off")
        yield


@pytest.fixture(scope="module")
def spark_months(tmp_path_factory) -> three_cycles.Played:
    """The golden months on Spark, their runs in this process: they share dbt's
    process and with it one Spark session, as runs of a long-lived deployment do."""
    root = tmp_path_factory.mktemp("spark_months")
    return three_cycles.play(root, "--target", "spark", "--no-pdf", deliveries=GOLDEN_MONTHS)


def test_the_golden_scenario_billed_on_spark_exports_the_same_bytes(spark_months, golden_run):
    duckdb_home, _ = golden_run
    _, november = spark_months.first  # the home as November's run left it
    on_spark = _files(november / "exports" / CYCLE, "*")
    on_duckdb = _files(duckdb_home / "exports" / CYCLE, "*")
    assert sorted(on_spark) == sorted(on_duckdb)
    assert {"invoices.csv", "journal_entries.parquet", "reports/trial_balance.csv"} <= set(on_spark)
    assert [name for name in on_duckdb if on_spark[name] != on_duckdb[name]] == []


def test_the_statements_billed_on_spark_are_those_of_duckdb(spark_months, golden_run):
    duckdb_home, _ = golden_run
    _, november = spark_months.first
    on_spark = _files(november / "statements" / CYCLE, "*.html")
    assert len(on_spark) > 20
    assert on_spark == _files(duckdb_home / "statements" / CYCLE, "*.html")


def test_three_cycles_billed_on_spark_write_the_same_bytes(spark_months, golden_months_run):
    on_spark, on_duckdb = spark_months.home, golden_months_run.home
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


def test_the_tables_were_built_by_spark(spark_months):
    """dbt wrote its tables as Parquet under the home's Spark warehouse; the DuckDB file
    holds only what the connectors landed."""
    home = spark_months.home
    invoices = home / "spark-warehouse" / "marts.db" / "invoices"
    for cycle in three_cycles.CYCLES:
        assert list(invoices.glob(f"cycle_date={cycle}/*.parquet")), cycle
    assert (home / "lake" / "raw" / "accounts" / "part-00000.parquet").is_file()
    assert (home / "target").read_text().strip() == "spark"


def test_a_closed_cycle_run_again_on_spark_checks_its_ledger_and_bills_nothing(spark_months):
    home = spark_months.home
    exports = _files(home / "exports", "*")
    result = cablebill(
        "run", "--inbox", str(spark_months.inbox), "--cycle", CYCLE, "--home", str(home),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"cycle {CYCLE} is already closed (" in result.stdout
    assert "Its ledger was checked again: ledger_documents: passed on" in result.stdout
    assert "passed on 0 rows" not in result.stdout  # the gate's table is the ledger's now
    assert _files(home / "exports", "*") == exports


def test_a_home_keeps_its_engine(spark_months):
    result = cablebill(
        "run", "--inbox", str(GOLDEN / "inbox"), "--cycle", CYCLE,
        "--home", str(spark_months.home), "--target", "duckdb",
    )  # fmt: skip
    assert result.returncode == 2
    assert "bills on spark; it cannot switch to duckdb" in result.stderr

"""The exports gate reads the files back and names an export that differs from its mart."""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.exports import ExportedFile, validate_exports


def _export(con: duckdb.DuckDBPyConnection, folder: Path) -> ExportedFile:
    con.execute(
        "create table invoices as select * from (values "
        "('INV-1', 27200.00::decimal(18, 2)), ('INV-2', 7180.00::decimal(18, 2))) "
        "as t(invoice_no, current_charges)"
    )
    csv, parquet = folder / "invoices.csv", folder / "invoices.parquet"
    con.execute(f"copy invoices to '{csv}' (header)")
    con.execute(f"copy invoices to '{parquet}' (format parquet)")
    return ExportedFile("invoices", csv, parquet, "invoices", "current_charges", "current_charges")


def test_files_that_hold_their_mart_pass(tmp_path: Path):
    with duckdb.connect() as con:
        result = validate_exports(con, [_export(con, tmp_path)])
    assert result.success, result.describe()


def test_a_file_cut_short_is_named_with_its_rows_and_total(tmp_path: Path):
    with duckdb.connect() as con:
        export = _export(con, tmp_path)
        lines = export.csv.read_text().splitlines()
        export.csv.write_text("\n".join(lines[:-1]) + "\n")  # the last invoice lost
        result = validate_exports(con, [export])
    assert not result.success
    assert {f.column for f in result.failures} == {"rows_gap", "total_gap_cents"}
    (sample,) = result.failures[0].sample
    assert (sample["export"], sample["source_rows"], sample["csv_rows"]) == ("invoices", 2, 1)
    assert sample["csv_total"] == "27200.00"

"""A delivery that breaks the manifest contract is rejected whole: nothing of it loads."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from connectors import ingest, manifest
from connectors.ingest import ingest_inbox
from tests.deliveries import OPERATOR_TIMEZONE, account, csv_bytes, product, write_delivery


def _ingest(inbox: Path, home: Path):
    return ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)


def _raw_rows(home: Path, table: str) -> int:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from raw.{table}").fetchone()[0]


def _rejections(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select feed, delivery_id, file, reason_code, detail from ingest.rejections"
        ).fetchall()


def _cms(inbox: Path, **kwargs) -> Path:
    files = {"accounts.csv": [account("A1")], "products.csv": [product("BASE", 10000)]}
    return write_delivery(inbox, "cms", "20261101-0001", files, **kwargs)


def _assert_rejected(inbox: Path, home: Path, reason: str, *words: str) -> str:
    report = _ingest(inbox, home)
    (result,) = report.deliveries
    assert result.status == "rejected"
    assert f"({reason})" in result.reason
    for word in words:
        assert word in result.reason
    assert _raw_rows(home, "accounts") == 0
    assert _raw_rows(home, "products") == 0
    ((feed, delivery_id, _file, code, _detail),) = _rejections(home)
    assert (feed, delivery_id, code) == ("cms", "20261101-0001", reason)
    return result.reason


def test_missing_manifest(inbox, home):
    folder = _cms(inbox)
    (folder / "_manifest.json").unlink()
    _assert_rejected(inbox, home, "manifest_missing", "cms/20261101-0001")


def test_unparsable_manifest(inbox, home):
    folder = _cms(inbox)
    (folder / "_manifest.json").write_text("{not json")
    _assert_rejected(inbox, home, "manifest_unparsable", "not valid JSON")


def test_manifest_for_another_delivery(inbox, home):
    _cms(inbox, manifest={"delivery_id": "20261101-0009"})
    _assert_rejected(inbox, home, "manifest_invalid", "20261101-0009")


def test_checksum_mismatch(inbox, home):
    folder = _cms(inbox)
    with (folder / "accounts.csv").open("a") as fh:
        fh.write("A2,residential,김철수,,,,SEOUL-GN,1,KRW,ko,card,,,,,,active,2025-01-01\n")
    _assert_rejected(inbox, home, "checksum_mismatch", "accounts.csv", "sha256")


def test_row_count_mismatch(inbox, home):
    folder = _cms(inbox)
    manifest = json.loads((folder / "_manifest.json").read_text())
    manifest["files"]["accounts.csv"]["rows"] = 5
    (folder / "_manifest.json").write_text(json.dumps(manifest))
    _assert_rejected(inbox, home, "row_count_mismatch", "accounts.csv has 1 rows", "says 5")


def test_file_named_but_absent(inbox, home):
    folder = _cms(inbox)
    (folder / "devices.csv").unlink()
    _assert_rejected(inbox, home, "file_missing", "devices.csv")


def test_missing_required_column_rejects_the_file(inbox, home):
    rows = [account("A1")]
    columns = [c for c in rows[0] if c != "bill_cycle_day"]
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {"accounts.csv": csv_bytes(rows, columns), "products.csv": [product("BASE", 10000)]},
    )
    _assert_rejected(inbox, home, "missing_column", "accounts.csv", "bill_cycle_day")


def test_snapshot_missing_an_entity(inbox, home):
    folder = _cms(inbox)
    manifest = json.loads((folder / "_manifest.json").read_text())
    del manifest["files"]["orders.csv"]
    (folder / "orders.csv").unlink()
    (folder / "_manifest.json").write_text(json.dumps(manifest))
    _assert_rejected(inbox, home, "snapshot_incomplete", "orders")


def test_unknown_entity(inbox, home):
    _cms(inbox)
    write_delivery(inbox, "cms", "20261101-0001", {"invoices.csv": b"a\n1\n"})
    _assert_rejected(inbox, home, "unknown_entity", "invoices.csv")


def test_float_money_in_parquet_is_refused(inbox, home):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "adjustment_id": ["J1"],
            "account_id": ["A1"],
            "kind": ["credit"],
            "amount": [1000.5],
            "taxable": [True],
            "reason_code": ["goodwill"],
            "approved_at": ["2026-10-05T10:00:00+09:00"],
        }
    )
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    write_delivery(
        inbox, "crm", "20261101-0001", {"adjustments.parquet": buffer.getvalue().to_pybytes()}
    )
    report = _ingest(inbox, home)
    (result,) = report.deliveries
    assert result.status == "rejected"
    assert "file_unreadable" in result.reason and "float" in result.reason


def test_a_rejected_delivery_is_recorded_once_and_loads_when_fixed(inbox, home):
    folder = _cms(inbox)
    manifest_text = (folder / "_manifest.json").read_text()
    (folder / "_manifest.json").write_text(manifest_text.replace('"rows": 1', '"rows": 7', 1))
    _ingest(inbox, home)
    _ingest(inbox, home)
    assert len(_rejections(home)) == 1

    (folder / "_manifest.json").write_text(manifest_text)
    (result,) = _ingest(inbox, home).deliveries
    assert result.status == "loaded"
    assert _raw_rows(home, "accounts") == 1


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "01/11/2026"])
def test_bad_dates_are_row_problems_not_file_problems(inbox, home, bad):
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {
            "accounts.csv": [account("A1"), account("A2")],
            "products.csv": [product("BASE", 10000), product("X", 1, valid_from=bad)],
        },
    )
    (result,) = _ingest(inbox, home).deliveries
    assert result.status == "loaded"
    assert (result.rows_loaded, result.rows_quarantined) == (3, 1)


def test_a_delivery_folder_that_resolves_outside_the_inbox_is_rejected(inbox, home, tmp_path):
    outside = _cms(tmp_path / "elsewhere")
    (inbox / "cms").mkdir()
    (inbox / "cms" / "20261101-0001").symlink_to(outside, target_is_directory=True)
    _assert_rejected(inbox, home, "outside_inbox", "the delivery folder")


def test_a_listed_file_linked_outside_the_inbox_is_rejected_and_never_read(
    inbox, home, tmp_path, monkeypatch
):
    folder = _cms(inbox)
    secret = tmp_path / "secret" / "accounts.csv"
    secret.parent.mkdir()
    secret.write_bytes((folder / "accounts.csv").read_bytes())
    (folder / "accounts.csv").unlink()
    (folder / "accounts.csv").symlink_to(secret)
    read = []
    for module in (manifest, ingest):
        monkeypatch.setattr(
            module, "sha256_of", lambda p, f=manifest.sha256_of: read.append(p) or f(p)
        )
    _assert_rejected(inbox, home, "outside_inbox", "accounts.csv resolves outside the inbox")
    assert all(p.resolve() != secret for p in read)


@pytest.mark.parametrize("linked", [False, True])
def test_a_subfolder_of_a_delivery_is_refused_whole(inbox, home, tmp_path, linked):
    folder = _cms(inbox)
    if linked:
        (tmp_path / "other").mkdir()
        (tmp_path / "other" / "devices.csv").write_text("device_serial\n")
        (folder / "more").symlink_to(tmp_path / "other", target_is_directory=True)
        _assert_rejected(inbox, home, "outside_inbox", "more resolves outside the inbox")
    else:
        (folder / "more" / "deeper").mkdir(parents=True)
        (folder / "more" / "deeper" / "devices.csv").write_text("device_serial\n")
        _assert_rejected(inbox, home, "file_unlisted", "more/deeper/devices.csv")

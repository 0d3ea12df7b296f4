"""Every format loads the same rows; a delivery loads once; the same id cannot change."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from connectors import manifest
from connectors.ingest import ingest_inbox
from connectors.manifest import sha256_of as real_sha256_of
from tests.deliveries import OPERATOR_TIMEZONE, write_delivery

ROWS = [
    {
        "record_id": "D1",
        "account_id": "A1",
        "usage_start": "2026-10-03T21:15:00+09:00",
        "usage_end": "2026-10-03T22:15:00+09:00",
        "bytes_down": "1500000000",
        "bytes_up": "100",
    },
    {
        "record_id": "D2",
        "account_id": "A1",
        "usage_start": "2026-10-04 08:00:00",
        "usage_end": "2026-10-04 09:00:00",
        "bytes_down": "2000",
        "bytes_up": "0",
    },
]


def _ingest(inbox: Path, home: Path):
    return ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE).deliveries


def _usage(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(
            "select record_id, usage_start, bytes_down + bytes_up from raw.data_usage "
            "order by record_id"
        ).fetchall()


def _expected(home: Path) -> list[tuple]:
    rows = _usage(home)
    assert [r[0] for r in rows] == ["D1", "D2"]
    # An offset is honoured; no offset means operator time (Asia/Seoul, +09:00).
    assert rows[0][1].isoformat() == "2026-10-03T12:15:00+00:00"
    assert rows[1][1].isoformat() == "2026-10-03T23:00:00+00:00"
    assert rows[0][2] == 1500000100
    return rows


def test_csv_with_bom(inbox, home):
    text = "\ufeff" + ",".join(ROWS[0]) + "\n"
    text += "".join(",".join(r.values()) + "\n" for r in ROWS)
    write_delivery(inbox, "headend", "H1", {"data_usage.csv": text.encode()})
    assert _ingest(inbox, home)[0].rows_loaded == 2
    _expected(home)


def test_jsonl_with_numbers_and_strings(inbox, home):
    lines = [
        json.dumps({**r, "bytes_down": int(r["bytes_down"]), "bytes_up": int(r["bytes_up"])})
        for r in ROWS
    ]
    write_delivery(inbox, "headend", "H1", {"data_usage.jsonl": "\n".join(lines).encode()})
    assert _ingest(inbox, home)[0].rows_loaded == 2
    _expected(home)


def test_parquet_with_native_types_and_column_order_free(inbox, home):
    table = pa.table(
        {
            "bytes_up": pa.array([100, 0], pa.int64()),
            "record_id": ["D1", "D2"],
            "account_id": ["A1", "A1"],
            "usage_start": [r["usage_start"] for r in ROWS],
            "usage_end": [r["usage_end"] for r in ROWS],
            "bytes_down": pa.array([1500000000, 2000], pa.int64()),
        }
    )
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    write_delivery(inbox, "headend", "H1", {"data_usage.parquet": buffer.getvalue().to_pybytes()})
    assert _ingest(inbox, home)[0].rows_loaded == 2
    _expected(home)


def test_redelivery_is_skipped_and_loads_nothing_twice(inbox, home):
    write_delivery(inbox, "headend", "H1", {"data_usage.csv": ROWS})
    assert [d.status for d in _ingest(inbox, home)] == ["loaded"]
    assert [d.status for d in _ingest(inbox, home)] == ["skipped"]
    assert len(_usage(home)) == 2
    landed = list((home / "landing").rglob("*.parquet"))
    assert [p.relative_to(home).as_posix() for p in landed] == [
        "landing/headend/data_usage/delivery_id=H1/data.parquet"
    ]


def test_a_delivery_loaded_before_is_skipped_without_reading_its_files(inbox, home, monkeypatch):
    write_delivery(inbox, "headend", "H1", {"data_usage.csv": ROWS})
    write_delivery(inbox, "headend", "H2", {"data_usage.csv": ROWS[:1]})
    _ingest(inbox, home)
    write_delivery(inbox, "headend", "H3", {"data_usage.csv": ROWS[1:]})
    hashed = []

    def sha256_of(path: Path) -> str:
        hashed.append(path.parent.name)
        return real_sha256_of(path)

    monkeypatch.setattr(manifest, "sha256_of", sha256_of)
    assert [d.status for d in _ingest(inbox, home)] == ["skipped", "skipped", "loaded"]
    assert hashed == ["H3"]


def test_same_delivery_id_with_new_content_is_a_conflict(inbox, home):
    folder = write_delivery(inbox, "headend", "H1", {"data_usage.csv": ROWS})
    _ingest(inbox, home)
    changed = [dict(ROWS[0], bytes_down="9")]
    for path in folder.iterdir():
        path.unlink()
    write_delivery(inbox, "headend", "H1", {"data_usage.csv": changed})
    (result,) = _ingest(inbox, home)
    assert result.status == "rejected"
    assert "delivery_conflict" in result.reason
    assert len(_usage(home)) == 2  # the loaded delivery is untouched


def test_an_event_resent_in_a_later_delivery_is_kept_in_raw_for_dbt_to_count_once(inbox, home):
    write_delivery(inbox, "headend", "H1", {"data_usage.csv": ROWS})
    write_delivery(inbox, "headend", "H2", {"data_usage.csv": ROWS[:1]})
    assert [d.rows_loaded for d in _ingest(inbox, home)] == [2, 1]
    assert len(_usage(home)) == 3

"""Names and paths are data, never SQL: a delivery id, an inbox or a home with quotes
in it loads like any other, and nothing it says is run."""

from __future__ import annotations

import duckdb
import pytest

from connectors.ingest import ingest_inbox
from tests.deliveries import OPERATOR_TIMEZONE, write_delivery

INJECTION = "Z' (format parquet); copy (select 42 as pwned) to 'PWNED.csv' (format csv); --"
USAGE = {
    "record_id": "D1",
    "account_id": "A1",
    "usage_start": "2026-10-03T21:15:00+09:00",
    "usage_end": "2026-10-03T22:15:00+09:00",
    "bytes_down": "1500",
    "bytes_up": "100",
}


@pytest.mark.parametrize("delivery_id", [INJECTION, "20261102-O'Brien"])
def test_a_delivery_id_with_quotes_loads_and_runs_nothing(tmp_path, monkeypatch, delivery_id):
    monkeypatch.chdir(tmp_path)  # where a COPY with a relative path would write
    inbox, home = tmp_path / "in'box", tmp_path / "ho'me"
    home.mkdir()
    write_delivery(inbox, "headend", delivery_id, {"data_usage.csv": [USAGE]})

    (result,) = ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE).deliveries

    assert (result.status, result.rows_loaded) == ("loaded", 1), result.reason
    assert not list(tmp_path.rglob("PWNED*"))
    landed = home / "landing" / "headend" / "data_usage" / f"delivery_id={delivery_id}"
    assert (landed / "data.parquet").exists()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select _delivery_id from raw.data_usage").fetchall() == [(delivery_id,)]
    (again,) = ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE).deliveries
    assert again.status == "skipped"

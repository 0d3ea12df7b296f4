"""The landed feeds published as Parquet for the Spark target, and read back the way
Python reads a Spark warehouse (orchestration/spark_tables.py)."""

from __future__ import annotations

import duckdb

from connectors.ingest import ingest_inbox
from connectors.lake import publish
from orchestration import spark_tables
from tests.connectors.test_names_are_data import USAGE
from tests.deliveries import OPERATOR_TIMEZONE, write_delivery


def test_every_landed_table_is_published_whole_and_again_to_the_same_bytes(tmp_path):
    inbox, home = tmp_path / "inbox", tmp_path / "ho'me"
    home.mkdir()
    write_delivery(
        inbox, "headend", "20261102-0001", {"data_usage.csv": [USAGE, USAGE | {"record_id": "D2"}]}
    )
    ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    lake = home / "lake"

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        publish(con, lake)
        first = {p: p.read_bytes() for p in lake.rglob("*.parquet")}
        publish(con, lake)

    assert {p: p.read_bytes() for p in lake.rglob("*.parquet")} == first
    assert lake / "raw" / "accounts" / "part-00000.parquet" in first  # empty, with its columns
    assert not [p for p in lake.rglob("*") if p.name.endswith(".tmp")]
    with spark_tables.connect(home / "spark-warehouse", lake) as reader:
        assert reader.execute(
            "select record_id, _delivery_id from raw.data_usage order by record_id"
        ).fetchall() == [("D1", "20261102-0001"), ("D2", "20261102-0001")]
        assert reader.execute("select count(*) from ingest.deliveries").fetchall() == [(1,)]
        # a ledger table Spark has written no file of yet: empty, with its contract's columns
        assert reader.execute("select invoice_no, amount_due from ledger.invoices").fetchall() == []

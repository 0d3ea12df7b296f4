"""Shadow billing's candidate catalog replaces the newest CMS snapshot's products,
checked as a delivery's rows are: a bad row names the file, row and reason, and
nothing is replaced."""

from __future__ import annotations

import duckdb
import pytest

from connectors.contract import entity
from connectors.ingest import CandidateRejected, ingest_inbox, replace_snapshot_entity
from connectors.warehouse import connect
from tests.deliveries import OPERATOR_TIMEZONE, account, csv_bytes, product, write_delivery

COLUMNS = [c.name for c in entity("cms", "products").columns]


@pytest.fixture
def warehouse(inbox, home):
    for delivery, price in (("20261001-0001", 9000), ("20261101-0001", 10000)):
        write_delivery(
            inbox,
            "cms",
            delivery,
            {"accounts.csv": [account("A1")], "products.csv": [product("BASE", price)]},
            extracted_at=f"{delivery[:4]}-{delivery[4:6]}-01T01:00:00+09:00",
        )
    ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    return home / "warehouse.duckdb"


def _products(path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select _delivery_id, product_code, price from raw.products "
            "order by _delivery_id, product_code"
        ).fetchall()


def test_a_good_catalog_replaces_the_newest_snapshots_products(warehouse, tmp_path):
    candidate = tmp_path / "catalog.csv"
    candidate.write_bytes(csv_bytes([product("BASE", 12000), product("NEW", 5000)], COLUMNS))
    with connect(warehouse, OPERATOR_TIMEZONE) as con:
        assert replace_snapshot_entity(con, candidate, "cms", "products") == 2
    assert _products(warehouse) == [
        ("20261001-0001", "BASE", 9000),
        ("20261101-0001", "BASE", 12000),
        ("20261101-0001", "NEW", 5000),
    ]


def test_a_bad_row_names_the_file_row_and_reason_and_replaces_nothing(warehouse, tmp_path):
    before = _products(warehouse)
    candidate = tmp_path / "catalog.csv"
    rows = [product("BASE", 12000), product("NEW", "12,000"), product("BASE", 13000)]
    candidate.write_bytes(csv_bytes(rows, COLUMNS))
    with (
        connect(warehouse, OPERATOR_TIMEZONE) as con,
        pytest.raises(CandidateRejected) as rejected,
    ):
        replace_snapshot_entity(con, candidate, "cms", "products")
    message = str(rejected.value)
    assert message.startswith(f"{candidate}: 2 row(s) not good: row 2 (")
    assert "price" in message and "row 3 (duplicate_key)" in message
    assert _products(warehouse) == before
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from ingest.quarantine").fetchall() == [(0,)]

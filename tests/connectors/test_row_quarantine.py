"""Row problems send that row to quarantine with a reason; the rest of the file loads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from connectors import ingest
from connectors.ingest import ingest_inbox
from tests.deliveries import (
    OPERATOR_TIMEZONE,
    account,
    csv_bytes,
    product,
    subscription,
    write_delivery,
)

PAN = "4111-1111-1111-1111"
RRN = "900101-1234568"  # checksum-valid resident registration number (fictitious)


def _load(inbox: Path, home: Path):
    (result,) = ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE).deliveries
    return result


def _quarantine(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select entity, row_number, reason_code, detail, row_masked "
            "from ingest.quarantine order by entity, row_number"
        ).fetchall()


def _cms(inbox: Path, accounts=None, products=None, subscriptions=None):
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {
            "accounts.csv": accounts or [account("A1")],
            "products.csv": products or [product("BASE", 10000)],
            "subscriptions.csv": subscriptions or [],
        },
    )


@pytest.mark.parametrize("chunk_rows", [ingest.CHUNK_ROWS, 2, 3])
def test_each_bad_row_gets_its_reason_and_the_good_rows_load(inbox, home, chunk_rows, monkeypatch):
    """The same reasons whether a file is checked in one chunk or a few rows at a time
    (a key repeated from an earlier chunk, a reference to an account of one)."""
    monkeypatch.setattr(ingest, "CHUNK_ROWS", chunk_rows)
    _cms(
        inbox,
        accounts=[
            account("A1"),
            account("A2", bill_cycle_day=31),
            account("A3", customer_type="government"),
            account("A4", created_at="yesterday"),
            account("A1"),
            account("A6", currency="XYZ"),
            account("A7", customer_type="business", business_reg_no="1234567890"),
            account("A8", name=""),
        ],
        subscriptions=[
            subscription("S1", "A1", "BASE", "2026-10-01"),
            subscription("S2", "A404", "BASE", "2026-10-01"),
            subscription("S3", "A1", "GHOST", "2026-10-01"),
            subscription("S4", "A1", "BASE", "2026-10-05", end_date="2026-10-01"),
        ],
    )
    result = _load(inbox, home)
    assert result.status == "loaded"
    reasons = [(entity, n, code) for entity, n, code, _, _ in _quarantine(home)]
    assert reasons == [
        ("accounts", 2, "out_of_range"),
        ("accounts", 3, "bad_enum"),
        ("accounts", 4, "bad_timestamp"),
        ("accounts", 5, "duplicate_key"),
        ("accounts", 6, "unknown_currency"),
        ("accounts", 7, "bad_business_reg_no"),
        ("accounts", 8, "missing_value"),
        ("subscriptions", 2, "unknown_account"),
        ("subscriptions", 3, "unknown_product"),
        ("subscriptions", 4, "bad_date_range"),
    ]
    details = {n: d for e, n, _, d, _ in _quarantine(home) if e == "accounts"}
    assert details[2] == "bill_cycle_day: 31 is above 28"
    assert details[5] == "key (account_id) repeats row 1"
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select account_id from raw.accounts").fetchall() == [("A1",)]
        assert con.execute("select subscription_id from raw.subscriptions").fetchall() == [("S1",)]


def test_a_card_number_in_free_text_is_refused_and_only_kept_masked(inbox, home):
    _cms(
        inbox,
        accounts=[
            account("A1"),
            account("A2", address=f"카드 {PAN} 로 결제"),
            account("A3", name=f"주민 {RRN}"),
            account("A4", virtual_account_no="56200000000001", payment_method="virtual_account"),
        ],
    )
    result = _load(inbox, home)
    assert (result.rows_loaded, result.rows_quarantined) == (1 + 1 + 1, 2)  # + one product
    assert result.entities["accounts"] == (2, 2) and result.entities["products"] == (1, 0)
    rows = _quarantine(home)
    assert [(n, code) for _, n, code, _, _ in rows] == [
        (2, "pii_card_number"),
        (3, "pii_resident_registration_number"),
    ]
    assert rows[0][3] == "address: 카드 ****-****-****-1111 로 결제"
    assert rows[1][3] == "name: 주민 900101-*******"
    warehouse_bytes = (home / "warehouse.duckdb").read_bytes()
    for secret in (PAN, PAN.replace("-", ""), RRN, "1234568"):
        assert secret.encode() not in warehouse_bytes
        assert secret not in rows[0][4] + rows[1][4]
    for parquet in home.rglob("*.parquet"):
        assert PAN.encode() not in parquet.read_bytes()


def test_pii_is_searched_in_unknown_extra_columns_too(inbox, home):
    rows = [account("A1") | {"memo": f"card {PAN}"}, account("A2") | {"memo": "vip"}]
    columns = [*account("A1"), "memo"]
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {"accounts.csv": csv_bytes(rows, columns), "products.csv": [product("BASE", 1)]},
    )
    _load(inbox, home)
    ((_, n, code, detail, _),) = _quarantine(home)
    assert (n, code, detail) == (1, "pii_card_number", "memo: card ****-****-****-1111")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        (extra,) = con.execute("select _extra from raw.accounts").fetchone()
    assert extra == '{"memo":"vip"}'


def test_a_malformed_csv_record_is_quarantined_with_its_number(inbox, home):
    good = csv_bytes(
        [
            {"adjustment_id": "J1", "account_id": "A1", "kind": "credit", "amount": "1000"},
            {"adjustment_id": "J2", "account_id": "A1", "kind": "credit", "amount": "500"},
        ],
        ["adjustment_id", "account_id", "kind", "amount"],
    )
    header = b"adjustment_id,account_id,kind,amount,taxable,reason_code,approved_at\n"
    body = (
        b"J1,A1,credit,1000,true,goodwill,2026-10-05T10:00:00+09:00\n"
        b"J2,A1,credit\n"
        b'J3,A1,debit,"2,500",false,fee,2026-10-06 09:00:00\n'
    )
    assert good  # the helper writes a header even for partial columns
    write_delivery(inbox, "crm", "20261101-0001", {"adjustments.csv": header + body})
    result = _load(inbox, home)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 2)
    assert [(n, code) for _, n, code, _, _ in _quarantine(home)] == [
        (2, "malformed_row"),
        (3, "bad_amount"),
    ]

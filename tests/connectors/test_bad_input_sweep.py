"""The bad-input sweep: each class of bad field sends its row to quarantine with its
reason code and a detail that repeats nothing harmful, and the rest of the file loads.

Classes handled elsewhere: types, enums, ranges, keys and references
(test_row_quarantine.py), PII (test_pii.py, test_row_quarantine.py), whole-delivery
refusals (test_delivery_rejections.py), names with quotes (test_names_are_data.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from connectors.ingest import ingest_inbox
from connectors.validate import Rules
from tests.deliveries import (
    OPERATOR_TIMEZONE,
    account,
    csv_bytes,
    product,
    subscription,
    write_delivery,
)

PAN = "4111111111111111"
FULL_WIDTH_PAN = "".join(chr(ord(d) + 0xFEE0) for d in PAN)  # U+FF14 U+FF11 ...
GOOD_VOD = {
    "event_id": "V1",
    "account_id": "A1",
    "title_id": "T1",
    "title_name": "기생충",
    "purchase_type": "rental",
    "price_tier": "standard",
    "list_price": "3300",
    "event_ts": "2026-10-20T21:00:00+09:00",
}


def _vod(**changes) -> dict:
    return GOOD_VOD | {"event_id": "V2"} | changes


def _payment(amount: str) -> dict:
    return {
        "txn_id": "T2",
        "account_id": "A1",
        "amount": amount,
        "currency": "KRW",
        "status": "approved",
        "method": "card",
        "processed_at": "2026-10-20T10:00:00+09:00",
    }


def _adjustment(amount: str) -> dict:
    return {
        "adjustment_id": "J2",
        "account_id": "A1",
        "kind": "credit",
        "amount": amount,
        "taxable": "true",
        "reason_code": "goodwill",
        "approved_at": "2026-10-20T10:00:00+09:00",
    }


CASES = {
    "title of a megabyte": ("headend", "vod_purchases", _vod(title_name="가" * 1_048_576)),
    "title one over the limit": ("headend", "vod_purchases", _vod(title_name="x" * 4001)),
    "line break in a title": ("headend", "vod_purchases", _vod(title_name="a\nb")),
    "NUL in an id": ("headend", "vod_purchases", _vod(title_id="T\x00")),
    "escape in a title": ("headend", "vod_purchases", _vod(title_name="\x1b[31mred")),
    "C1 control in a title": ("headend", "vod_purchases", _vod(title_name="a\x85b")),
    "negative list price": ("headend", "vod_purchases", _vod(list_price="-3300")),
    "negative payment": ("payments", "card_settlements", _payment("-30000")),
    "negative adjustment": ("crm", "adjustments", _adjustment("-1000")),
    "full-width card number": ("headend", "vod_purchases", _vod(title_name=FULL_WIDTH_PAN)),
}
EXPECTED = {
    "title of a megabyte": ("text_too_long", "title_name: 1,048,576 characters, over 4,000"),
    "title one over the limit": ("text_too_long", "title_name: 4,001 characters, over 4,000"),
    "line break in a title": ("control_character", "title_name: holds a control character"),
    "NUL in an id": ("control_character", "title_id: holds a control character"),
    "escape in a title": ("control_character", "title_name: holds a control character"),
    "C1 control in a title": ("control_character", "title_name: holds a control character"),
    "negative list price": ("negative_amount", "list_price: -3300 is negative"),
    "negative payment": ("negative_amount", "amount: -30000 is negative"),
    "negative adjustment": ("negative_amount", "amount: -1000 is negative"),
    "full-width card number": ("pii_card_number", "title_name: ****"),
}
FIRST_ROWS = {
    "vod_purchases": GOOD_VOD,
    "card_settlements": _payment("30000") | {"txn_id": "T1"},
    "adjustments": _adjustment("1000") | {"adjustment_id": "J1"},
}


def _quarantine(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select row_number, reason_code, detail, row_masked from ingest.quarantine"
        ).fetchall()


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_field_quarantines_its_row_and_the_rest_loads(inbox, home, case):
    feed, name, bad = CASES[case]
    write_delivery(inbox, feed, "20261101-0001", {f"{name}.csv": [FIRST_ROWS[name], bad]})

    (result,) = ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE).deliveries

    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 1, 1)
    ((row_number, code, detail, row),) = _quarantine(home)
    reason, start = EXPECTED[case]
    assert (row_number, code) == (2, reason)
    assert detail.startswith(start), detail
    assert len(detail) < 200  # the detail never repeats a megabyte
    assert bad["event_id" if "event_id" in bad else next(iter(bad))] in row  # the row is kept


def test_the_text_limit_is_a_setting(inbox, home):
    write_delivery(
        inbox, "headend", "20261101-0001", {"vod_purchases.csv": [_vod(title_name="x" * 5000)]}
    )
    rules = Rules(max_text_length=10_000)
    (result,) = ingest_inbox(
        inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE, rules
    ).deliveries
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("overage_tiers", "overage_tiers: "),  # inside a JSON column
        ("header", "a column name: "),  # in a column's name
    ],
)
def test_a_card_number_in_json_or_in_a_column_name_is_found(inbox, home, where, expected):
    if where == "header":
        rows = [account("A1") | {f"memo {PAN}": "x"}]
        accounts = csv_bytes(rows, [*account("A1"), f"memo {PAN}"])
        products = [product("BASE", 1)]
    else:
        accounts = [account("A1")]
        tiers = f'[{{"up_to_gb": null, "price_per_gb": 100, "note": "{PAN}"}}]'
        products = [product("NET", 1, product_type="internet", overage_tiers=tiers)]
    write_delivery(
        inbox, "cms", "20261101-0001", {"accounts.csv": accounts, "products.csv": products}
    )

    ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)

    ((_, code, detail, row),) = _quarantine(home)
    assert code == "pii_card_number" and detail.startswith(expected), detail
    assert PAN not in detail + row and "1111" in detail


def test_an_account_in_a_currency_the_platform_does_not_bill_in_is_quarantined(inbox, home):
    """JPY is ISO 4217, but the platform has no minor unit or rounding step for it:
    the account waits in quarantine, with its subscriptions, instead of failing the
    run or being billed in another currency."""
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {
            "accounts.csv": [account("A1"), account("A2", currency="JPY")],
            "products.csv": [product("BASE", 13200)],
            "subscriptions.csv": [
                subscription("S1", "A1", "BASE", "2025-03-01"),
                subscription("S2", "A2", "BASE", "2025-03-01"),
            ],
        },
    )
    rules = Rules(currencies=frozenset({"KRW", "USD"}))
    ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE, rules)
    quarantined = {(row[1], row[2]) for row in _quarantine(home)}
    assert quarantined == {
        (
            "unsupported_currency",
            "currency: JPY is not a currency this platform bills in (KRW, USD)",
        ),
        ("unknown_account", "account_id: A2 is not in this snapshot's accounts"),
    }


def test_a_payment_in_another_currency_than_its_accounts_is_quarantined(inbox, home):
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {"accounts.csv": [account("A1")], "products.csv": [product("BASE", 13200)]},
    )
    usd, unknown = _payment("30.00") | {"txn_id": "T2", "currency": "USD"}, _payment("1000")
    unknown |= {"txn_id": "T3", "account_id": "A9"}  # no account yet: suspense, later
    write_delivery(
        inbox,
        "payments",
        "20261101-0001",
        {"card_settlements.csv": [_payment("30000") | {"txn_id": "T1"}, usd, unknown]},
    )
    ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    ((row_number, code, detail, _),) = _quarantine(home)
    assert (row_number, code) == (2, "currency_mismatch")
    assert detail == "currency: USD is not the account's currency (KRW)"


def test_a_subscription_to_a_product_priced_in_another_currency_is_quarantined(inbox, home):
    write_delivery(
        inbox,
        "cms",
        "20261101-0001",
        {
            "accounts.csv": [account("A1")],
            "products.csv": [product("BASE", 13200), product("GLOBAL", 10, currency="USD")],
            "subscriptions.csv": [
                subscription("S1", "A1", "BASE", "2025-03-01"),
                subscription("S2", "A1", "GLOBAL", "2025-03-01"),
            ],
        },
    )
    ingest_inbox(inbox, home / "warehouse.duckdb", home, OPERATOR_TIMEZONE)
    ((row_number, code, detail, _),) = _quarantine(home)
    assert (row_number, code) == (2, "currency_mismatch")
    assert detail == "product_code: GLOBAL is priced in USD, not the account's currency (KRW)"

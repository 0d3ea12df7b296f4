"""Write the golden scenario's deliveries (run from the repository root).

The scenario is billed by hand in tests/golden/README.md; the expected bills are
tests/golden/expected_invoices.csv and expected_lines.csv. Run this again only
when the scenario changes: the deliveries under tests/golden/inbox are committed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.deliveries import account, product, subscription, write_delivery

INBOX = Path(__file__).parent / "inbox"
TIERS = '[{"up_to_gb": 2, "price_per_gb": 2000}, {"up_to_gb": null, "price_per_gb": 1000}]'


def _ts(day: str, time: str = "20:00:00") -> str:
    return f"{day}T{time}+09:00"


def products() -> list[dict]:
    return [
        product("BASE", 13200, included_vod_views=2),
        product("BASE2", 12100, valid_to="2026-10-15"),
        product("BASE2", 13200, valid_from="2026-10-15"),
        product(
            "NET",
            27500,
            product_type="internet",
            data_allowance_gb=500,
            overage_tiers=TIERS,
            overage_cap=11000,
            gl_revenue_account="410300",
        ),
        product("PREM", 5500, product_type="premium_channel"),
        product("LIC", 2500, product_type="addon", tax_category="exempt"),
        product("ZERO", 10000, product_type="addon", tax_category="zero"),
        product("RENT", 2200, product_type="equipment"),
        product("FEE", 22000, product_type="one_time_fee", charge_type="one_time"),
        product("SEC", 33000, product_type="addon", charge_type="annual"),
        product("INTL", "9.99", currency="USD"),
        product("VOD", 0, product_type="vod", charge_type="usage"),
        product("PPV", 0, product_type="ppv", charge_type="usage"),
    ]


def promotions() -> list[dict]:
    return [
        {
            "promo_code": "TRIAL",
            "name": "무료 체험",
            "kind": "free_trial",
            "value": 0,
            "applies_to": "PREM",
            "duration_days": 10,
            "priority": 10,
        },
        {
            "promo_code": "HALF",
            "name": "인터넷 반값",
            "kind": "percent_off",
            "value": 50,
            "applies_to": "type:internet",
            "duration_months": 1,
            "priority": 20,
            "campaign_from": "2026-01-01",
            "campaign_to": "2026-12-31",
        },
        {
            "promo_code": "QUARTER",
            "name": "방송 25%",
            "kind": "percent_off",
            "value": 25,
            "applies_to": "BASE",
            "duration_months": 12,
            "priority": 20,
        },
        {
            "promo_code": "AMT",
            "name": "임대료 할인",
            "kind": "amount_off",
            "value": 1100,
            "applies_to": "RENT",
            "priority": 30,
        },
        {
            "promo_code": "WAIVE",
            "name": "설치비 면제",
            "kind": "fee_waiver",
            "value": 100,
            "applies_to": "FEE",
            "requires": "NET",
            "priority": 40,
        },
        {
            "promo_code": "BUNDLE",
            "name": "결합 할인",
            "kind": "bundle",
            "value": 3300,
            "requires": "BASE;NET",
            "priority": 50,
        },
    ]


def main() -> None:
    shutil.rmtree(INBOX, ignore_errors=True)
    accounts, subs, devices, orders, assignments, suspensions = [], [], [], [], [], []

    def acct(n: int, **kw) -> str:
        account_id = f"G{n:02d}"
        accounts.append(account(account_id, **kw))
        return account_id

    def sub(account_id: str, k: int, code: str, start: str = "2025-03-01", **kw) -> str:
        sub_id = f"S-{account_id}-{k}"
        subs.append(subscription(sub_id, account_id, code, start, **kw))
        return sub_id

    for n in (1, 14, 15, 26, 28, 29):
        sub(acct(n), 1, "BASE")
    sub(acct(2), 1, "BASE", "2026-10-19")
    sub(acct(3), 1, "BASE", end_date="2026-10-11", termination_reason="customer_request")
    sub(acct(4), 1, "BASE", "2026-10-31")
    sub(acct(5), 1, "BASE")
    suspensions.append(
        {
            "account_id": "G05",
            "kind": "customer",
            "from_date": "2026-09-20",
            "to_date": "2026-10-06",
        }
    )
    devices.append(
        {
            "device_serial": "STB-G05",
            "account_id": "G05",
            "device_type": "stb",
            "rental_product_code": "RENT",
            "rented_from": "2025-03-01",
        }
    )
    sub(acct(6), 1, "BASE2")
    sub(acct(7), 1, "PREM")
    assignments.append({"account_id": "G07", "promo_code": "TRIAL", "starts_on": "2026-10-25"})
    half = sub(acct(8), 1, "NET")
    assignments.append(
        {
            "account_id": "G08",
            "subscription_id": half,
            "promo_code": "HALF",
            "starts_on": "2026-10-15",
        }
    )
    sub(
        acct(9),
        1,
        "BASE",
        contract_months=12,
        contract_start_date="2026-05-01",
        contract_discount_pct=10,
    )
    assignments.append({"account_id": "G09", "promo_code": "QUARTER", "starts_on": "2026-10-01"})
    sub(acct(10), 1, "BASE")
    sub("G10", 2, "NET", "2026-10-12")
    ending = sub(acct(11), 1, "NET")
    assignments.append(
        {
            "account_id": "G11",
            "subscription_id": ending,
            "promo_code": "HALF",
            "starts_on": "2026-09-20",
        }
    )
    sub(acct(12), 1, "BASE")
    devices.append(
        {
            "device_serial": "STB-G12",
            "account_id": "G12",
            "device_type": "stb",
            "rental_product_code": "RENT",
            "rented_from": "2025-01-01",
            "returned_at": "2026-10-16",
        }
    )
    assignments.append({"account_id": "G12", "promo_code": "AMT", "starts_on": "2026-01-01"})
    sub(acct(13), 1, "NET")
    orders.append(
        {
            "order_id": "O-G13",
            "account_id": "G13",
            "product_code": "FEE",
            "quantity": 1,
            "completed_at": _ts("2026-10-10", "14:00:00"),
        }
    )
    assignments.append({"account_id": "G13", "promo_code": "WAIVE", "starts_on": "2026-10-01"})
    orders.append(
        {
            "order_id": "O-G14",
            "account_id": "G14",
            "product_code": "FEE",
            "quantity": 1,
            "completed_at": _ts("2026-10-05", "11:00:00"),
        }
    )
    for n in (16, 17, 18):
        sub(acct(n), 1, "NET")
    sub(acct(19), 1, "BASE")
    sub("G19", 2, "LIC")
    sub("G19", 3, "ZERO")
    sub(acct(20, tax_exempt="true"), 1, "BASE")
    sub(acct(21, currency="USD", language="en"), 1, "INTL", "2026-10-22")
    sub(acct(22), 1, "BASE")
    sub("G22", 2, "SEC", "2025-10-15")
    sub(
        acct(23),
        1,
        "NET",
        "2025-11-01",
        end_date="2026-10-11",
        contract_months=12,
        contract_start_date="2025-11-01",
        contract_discount_pct=10,
        termination_reason="competitor",
    )
    sub(acct(24, region_code="R-OUT"), 1, "NET")
    devices.append(
        {
            "device_serial": "MDM-G24",
            "account_id": "G24",
            "device_type": "modem",
            "rental_product_code": "RENT",
            "rented_from": "2025-03-01",
        }
    )
    sub(acct(25), 1, "BASE")
    # G30 bills on the 15th: not in this run
    sub(acct(30, bill_cycle_day=15), 1, "BASE")
    # go-live: G31 owed the previous system 20,000 (due Oct 25) and paid 5,000 of it
    # on Oct 28; G32 had a credit of 3,000 there
    sub(acct(31), 1, "BASE")
    sub(acct(32), 1, "BASE")
    opening = [
        {
            "account_id": "G31",
            "amount": 20000,
            "currency": "KRW",
            "as_of": "2026-10-31",
            "due_date": "2026-10-25",
            "legacy_ref": "LEGACY-G31",
        },
        {"account_id": "G32", "amount": -3000, "currency": "KRW", "as_of": "2026-10-31"},
    ]

    write_delivery(
        INBOX,
        "cms",
        "20261101-0001",
        {
            "accounts.csv": accounts,
            "products.csv": products(),
            "subscriptions.csv": subs,
            "suspensions.csv": suspensions,
            "devices.csv": devices,
            "orders.csv": orders,
            "promotions.csv": promotions(),
            "promotion_assignments.csv": assignments,
            "opening_balances.csv": opening,
        },
    )

    def vod(event_id, account_id, day, tier="standard", price=1650, kind="rental"):
        return {
            "event_id": event_id,
            "account_id": account_id,
            "title_id": event_id,
            "title_name": f"영화 {event_id}",
            "purchase_type": kind,
            "price_tier": tier,
            "list_price": price,
            "event_ts": _ts(day),
        }

    gb = 10**9
    write_delivery(
        INBOX,
        "headend",
        "20261101-0001",
        {
            "vod_purchases.csv": [
                vod("V-G15-1", "G15", "2026-10-03"),
                vod("V-G15-2", "G15", "2026-10-05"),
                vod("V-G15-3", "G15", "2026-10-09"),
                vod("V-G15-4", "G15", "2026-10-04", tier="premium", price=5500),
                vod("V-G29-1", "G29", "2026-10-12", tier="premium", price=5500),
                vod("V-G99-1", "G99", "2026-10-12", tier="premium", price=5500),
            ],
            "ppv_purchases.csv": [
                {
                    "event_id": "P-G15-1",
                    "account_id": "G15",
                    "event_code": "UFC",
                    "event_name": "UFC 310",
                    "list_price": 22000,
                    "event_ts": _ts("2026-10-07"),
                }
            ],
            "data_usage.csv": [
                {
                    "record_id": f"D-{a}-{i}",
                    "account_id": a,
                    "usage_start": _ts(f"2026-10-{10 + i:02d}"),
                    "usage_end": _ts(f"2026-10-{10 + i:02d}", "21:00:00"),
                    "bytes_down": down // 2,
                    "bytes_up": down - down // 2,
                }
                for a, total in (
                    ("G16", 504 * gb + 200_000_000),
                    ("G17", 500 * gb),
                    ("G18", 1020 * gb),
                )
                for i, down in enumerate((total // 2, total - total // 2))
            ],
            "outages.csv": [
                {
                    "outage_id": "OUT-1",
                    "region_code": "R-OUT",
                    "started_at": _ts("2026-10-03", "00:00:00"),
                    "ended_at": _ts("2026-10-08", "00:00:00"),
                }
            ],
            "entitlements.csv": [],
        },
        extracted_at="2026-11-01T02:00:00+09:00",
    )
    write_delivery(
        INBOX,
        "headend",
        "20261101-0002",
        {
            "vod_purchases.csv": [
                vod("V-G28-1", "G28", "2026-09-28", tier="premium", price=5500),
                vod("V-G29-1", "G29", "2026-10-12", tier="premium", price=5500),
            ],
        },
        extracted_at="2026-11-01T05:00:00+09:00",
    )
    write_delivery(
        INBOX,
        "payments",
        "20261101-0001",
        {
            "card_settlements.csv": [
                {
                    "txn_id": "T-G26-1",
                    "account_id": "G26",
                    "amount": 14520,
                    "currency": "KRW",
                    "status": "approved",
                    "method": "card",
                    "processed_at": _ts("2026-10-20"),
                },
                {
                    "txn_id": "T-G31-1",
                    "account_id": "G31",
                    "amount": 5000,
                    "currency": "KRW",
                    "status": "approved",
                    "method": "card",
                    "processed_at": _ts("2026-10-28"),
                },
                {
                    "txn_id": "T-G26-0",
                    "account_id": "G26",
                    "amount": 14520,
                    "currency": "KRW",
                    "status": "declined",
                    "decline_code": "51",
                    "method": "card",
                    "processed_at": _ts("2026-10-19"),
                },
            ],
        },
        extracted_at="2026-11-01T03:00:00+09:00",
    )
    write_delivery(
        INBOX,
        "crm",
        "20261101-0001",
        {
            "adjustments.csv": [
                {
                    "adjustment_id": "ADJ-G25-1",
                    "account_id": "G25",
                    "kind": "credit",
                    "amount": 5000,
                    "taxable": "true",
                    "reason_code": "service_outage",
                    "approved_at": _ts("2026-10-15"),
                },
                {
                    "adjustment_id": "ADJ-G25-2",
                    "account_id": "G25",
                    "kind": "debit",
                    "amount": 1000,
                    "taxable": "false",
                    "reason_code": "late_return",
                    "approved_at": _ts("2026-10-16"),
                },
            ],
        },
        extracted_at="2026-11-01T04:00:00+09:00",
    )


if __name__ == "__main__":
    main()

"""`generate`: deterministic synthetic deliveries for one bill cycle, the first after
go-live from a previous billing system: the CMS snapshot hands over each account's
opening balance (the previous system's last bill), paid in the period by most.

Accounts are generated in chunks, each from its own seeded random source, and
streamed to the delivery files, so memory stays flat at any scale. A small,
fixed share of rows is planted bad (bad timestamps, unknown accounts, duplicate
ids, a card number in a free-text field) to exercise quarantine.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from faker import Faker

from connectors.registration import check_digit
from connectors.synthetic import catalog
from connectors.synthetic.data_usage import UsagePlan, draw
from connectors.synthetic.delivery_writer import DeliveryWriter

log = logging.getLogger(__name__)

KST = ZoneInfo("Asia/Seoul")
CHUNK = 10_000
PEOPLE_POOL = 500  # names, addresses, ... drawn by Faker per chunk
REGIONS = ("SEOUL-GN", "SEOUL-MP", "GYEONGGI-SW", "GYEONGGI-GY", "BUSAN-HU", "INCHEON-NM")
# A Luhn-valid test card number, planted in free text to exercise PII rejection.
PLANTED_PAN = "4111 1111 1111 1111"
_TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
# (업태, 종목) of the generated business accounts.
BUSINESS_KINDS = (
    ("도소매", "사무용품"),
    ("서비스", "소프트웨어 개발"),
    ("음식점", "한식"),
    ("제조", "전자부품"),
    ("숙박", "호텔"),
)
TERMINATION_REASONS = ("customer_request", "moved_out_of_area", "competitor", "operator_fault")


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; cycle days are 1-28, so no clamping is needed."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive: the cycle date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def at(self, day: date, rng: random.Random) -> datetime:
        return datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), KST)

    @property
    def midnight(self) -> datetime:
        """The local midnight the period starts at."""
        return datetime.combine(self.start, time(0), KST)


def generate(
    out: Path, accounts: int, seed: int, cycle: date, usage_records: int = 8
) -> list[Path]:
    """Write one cycle's deliveries for all four feeds under `out`; returns their folders.

    `usage_records` is the mean number of data-usage records per internet account.
    """
    period = Period(add_months(cycle, -1), cycle)
    stamp = cycle.strftime("%Y%m%d")
    at = lambda hour: datetime.combine(cycle, time(hour), KST)  # noqa: E731
    cms = DeliveryWriter(
        out,
        "cms",
        f"{stamp}-0001",
        at(1),
        [
            "accounts",
            "products",
            "subscriptions",
            "suspensions",
            "devices",
            "orders",
            "promotions",
            "promotion_assignments",
            "opening_balances",
        ],
    )
    headend = DeliveryWriter(
        out,
        "headend",
        f"{stamp}-0001",
        at(2),
        ["vod_purchases", "ppv_purchases", "data_usage", "outages", "entitlements"],
    )
    late = DeliveryWriter(out, "headend", f"{stamp}-0002", at(5), ["vod_purchases", "data_usage"])
    payments = DeliveryWriter(
        out,
        "payments",
        f"{stamp}-0001",
        at(3),
        ["card_settlements", "autodebit_results", "va_deposits", "refunds"],
    )
    crm = DeliveryWriter(out, "crm", f"{stamp}-0001", at(4), ["adjustments"])

    cms.write("products", catalog.products(period.start))
    cms.write("promotions", catalog.promotions(period.start))
    headend.write("outages", _outages(period, random.Random(seed)))
    for first in range(0, accounts, CHUNK):
        chunk = _Chunk(seed, first, min(first + CHUNK, accounts), cycle, period, usage_records)
        chunk.build()
        for writer, rows in (
            (cms, chunk.cms),
            (headend, chunk.headend),
            (late, chunk.late),
            (payments, chunk.payments),
            (crm, chunk.crm),
        ):
            for entity, entity_rows in rows.items():
                writer.write(entity, entity_rows)
        headend.write_table("data_usage", chunk.data_usage)
        late.write_table("data_usage", chunk.resent_usage)
        log.info("generated accounts %d-%d of %d", first + 1, chunk.last, accounts)
    return [w.close() for w in (cms, headend, late, payments, crm)]


def _outages(period: Period, rng: random.Random) -> list[dict]:
    """One long regional outage (credited), one short one (not credited)."""
    long_start = period.at(period.start + timedelta(days=3), rng)
    short_start = period.at(period.start + timedelta(days=10), rng)
    return [
        {
            "outage_id": f"OUT-{period.start:%Y%m}-001",
            "region_code": REGIONS[-1],
            "started_at": long_start,
            "ended_at": long_start + timedelta(days=5, hours=2),
        },
        {
            "outage_id": f"OUT-{period.start:%Y%m}-002",
            "region_code": REGIONS[0],
            "started_at": short_start,
            "ended_at": short_start + timedelta(hours=9),
        },
    ]


class _Chunk:
    """The rows of accounts [first, last) for every feed."""

    def __init__(
        self, seed: int, first: int, last: int, cycle: date, period: Period, usage_records: int
    ):
        self.rng_seed = f"{seed}:{first}"
        self.rng = random.Random(self.rng_seed)
        # its own stream, so that planting mismatches leaves every other row as it was
        self.planting = random.Random(f"{seed}:{first}:planted")
        # and one for the balances handed over at go-live, one for business details
        self.legacy = random.Random(f"{seed}:{first}:legacy")
        self.business = random.Random(f"{seed}:{first}:business")
        fake = Faker("ko_KR")
        fake.seed_instance(f"{seed}:{first}")
        # Faker costs about 0.5 ms an account: each chunk draws a pool and picks from it
        self.people = {
            kind: [draw() for _ in range(PEOPLE_POOL)]
            for kind, draw in (
                ("name", fake.name),
                ("company", fake.company),
                ("email", fake.free_email),
                ("phone", fake.phone_number),
                ("address", fake.address),
            )
        }
        self.first, self.last, self.cycle, self.period = first, last, cycle, period
        self.usage_records = usage_records
        self.usage_plan = UsagePlan()
        self.data_usage = self.resent_usage = None
        self.cms: dict[str, list[dict]] = {
            e: []
            for e in (
                "accounts",
                "subscriptions",
                "suspensions",
                "devices",
                "orders",
                "promotion_assignments",
                "opening_balances",
            )
        }
        self.headend: dict[str, list[dict]] = {
            e: [] for e in ("vod_purchases", "ppv_purchases", "entitlements")
        }
        self.late: dict[str, list[dict]] = {"vod_purchases": [], "data_usage": []}
        self.payments: dict[str, list[dict]] = {
            e: [] for e in ("card_settlements", "autodebit_results", "va_deposits", "refunds")
        }
        self.crm: dict[str, list[dict]] = {"adjustments": []}

    def build(self) -> None:
        for n in range(self.first, self.last):
            self._account(n)
        self.data_usage, self.resent_usage = draw(
            self.usage_plan,
            self.usage_records,
            f"{self.rng_seed}:usage",
            self.period.midnight,
            self.period.days,
        )

    # -- cms -----------------------------------------------------------------
    def _account(self, n: int) -> None:
        rng, people, period = self.rng, self.people, self.period
        account_id = f"A{n + 1:08d}"
        business = rng.random() < 0.05
        method = rng.choices(
            ("card", "auto_debit", "virtual_account", "easy_pay", "giro"), (35, 40, 12, 10, 3)
        )[0]
        cycle_day = (
            self.cycle.day
            if rng.random() < 0.85
            else rng.choice([d for d in (1, 5, 10, 15, 20, 25) if d != self.cycle.day])
        )
        created = self.period.start - timedelta(days=rng.randrange(30, 900))
        account = {
            "account_id": account_id,
            "customer_type": "business" if business else "residential",
            "name": rng.choice(people["company" if business else "name"]),
            "email": rng.choice(people["email"]),
            "phone": rng.choice(people["phone"]),
            "address": rng.choice(people["address"]),
            "region_code": rng.choice(REGIONS),
            "bill_cycle_day": cycle_day,
            "currency": "KRW",
            "language": "en" if rng.random() < 0.05 else "ko",
            "payment_method": method,
            "payment_token": "tok_" + "".join(rng.choices(_TOKEN_ALPHABET, k=20))
            if method in ("card", "easy_pay")
            else None,
            "card_last4": f"{rng.randrange(10000):04d}" if method == "card" else None,
            "virtual_account_no": self._virtual_account(n) if method == "virtual_account" else None,
            "business_reg_no": self._brn() if business else None,
            **(self._business_details() if business else {}),
            "tax_exempt": rng.random() < 0.002,
            "status": "active",
            "created_at": datetime.combine(created, time(10), KST),
        }
        self.cms["accounts"].append(account)
        held = self._subscriptions(account_id, created)
        self._devices(account_id, held)
        if rng.random() < 0.02:
            start = period.start + timedelta(days=rng.randrange(period.days))
            self.cms["suspensions"].append(
                {
                    "account_id": account_id,
                    "kind": "customer",
                    "from_date": start,
                    "to_date": start + timedelta(days=rng.randrange(7, 45)),
                }
            )
            account["status"] = "suspended"
        self._usage(account_id, held)
        self._payment(account, held)
        if rng.random() < 0.01:
            self.crm["adjustments"].append(
                {
                    "adjustment_id": f"ADJ-{n + 1:08d}",
                    "account_id": account_id,
                    "kind": "credit",
                    "amount": rng.choice((1000, 2200, 5000)),
                    "taxable": True,
                    "reason_code": rng.choice(("service_outage", "billing_error", "goodwill")),
                    "ticket_id": f"T{rng.randrange(10**7):07d}",
                    "approved_at": period.at(
                        period.start + timedelta(days=rng.randrange(period.days)), rng
                    ),
                }
            )
        if n % 997 == 500:  # planted: a subscription for an account the snapshot lacks
            self.cms["subscriptions"].append(
                {
                    "subscription_id": f"S{n + 1:08d}-X",
                    "account_id": "A99999999",
                    "product_code": "BASE-ECO",
                    "quantity": 1,
                    "start_date": period.start,
                }
            )

    def _virtual_account(self, n: int) -> str:
        return f"5620{n + 1:010d}"

    def _brn(self) -> str:
        """A checksum-valid registration number: office, type, serial, check digit."""
        first_nine = f"{self.rng.randrange(101, 1000)}81{self.rng.randrange(1, 10**4):04d}"
        return first_nine + str(check_digit(first_nine))

    def _subscriptions(self, account_id: str, created: date) -> list[dict]:
        rng, period = self.rng, self.period
        new = rng.random() < 0.07
        start = period.start + timedelta(days=rng.randrange(1, period.days)) if new else created
        codes = []
        if rng.random() < 0.9:
            codes.append(rng.choice(catalog.TV_BASES))
            codes += [p for p in catalog.PREMIUMS if rng.random() < 0.15]
            if rng.random() < 0.1:
                codes.append("ADD-DVR")
            if rng.random() < 0.3:
                codes.append("ADD-LICENCE")
        if rng.random() < 0.7 or not codes:
            codes.append(rng.choice(catalog.INTERNET))
            if rng.random() < 0.05:
                codes.append("NET-SECURE")
        if rng.random() < 0.2:
            codes.append("PHONE-VOIP")
        held = []
        for i, code in enumerate(codes, start=1):
            sub = {
                "subscription_id": f"S{account_id[1:]}-{i:02d}",
                "account_id": account_id,
                "product_code": code,
                "quantity": 1,
                "start_date": start,
            }
            if code in catalog.TV_BASES + catalog.INTERNET and rng.random() < 0.5:
                sub |= {
                    "contract_months": rng.choice((12, 24, 36)),
                    "contract_start_date": start,
                    "contract_discount_pct": rng.choice((10, 15)),
                }
            if not new and rng.random() < 0.03:
                sub["end_date"] = period.start + timedelta(days=rng.randrange(1, period.days))
                sub["termination_reason"] = rng.choice(TERMINATION_REASONS)
            held.append(sub)
        self.cms["subscriptions"] += held
        if new:
            self.cms["orders"].append(
                {
                    "order_id": f"O{account_id[1:]}-01",
                    "account_id": account_id,
                    "product_code": "FEE-INSTALL",
                    "quantity": 1,
                    "completed_at": datetime.combine(start, time(14), KST),
                }
            )
            if any(s["product_code"] in catalog.INTERNET for s in held):
                self.cms["promotion_assignments"].append(
                    {"account_id": account_id, "promo_code": "INSTALL-FREE", "starts_on": start}
                )
        for sub in held:
            if sub["product_code"] == "PREM-MOVIE" and new:
                self.cms["promotion_assignments"].append(
                    {
                        "account_id": account_id,
                        "subscription_id": sub["subscription_id"],
                        "promo_code": "WELCOME-MOVIE",
                        "starts_on": start,
                    }
                )
            if sub["product_code"] in catalog.INTERNET and rng.random() < 0.1:
                self.cms["promotion_assignments"].append(
                    {
                        "account_id": account_id,
                        "subscription_id": sub["subscription_id"],
                        "promo_code": "NET-HALF",
                        "starts_on": sub["start_date"],
                    }
                )
        snapshot_at = datetime.combine(self.cycle, time(0, 30), KST)
        entitled = [s["product_code"] for s in held if "end_date" not in s]
        # planted, rarely: a product billed but not authorised (dropped above) ...
        entitled = [code for code in entitled if rng.random() > 0.001]
        # ... and one authorised but not billed
        if self.planting.random() < 0.002 and "PREM-SPORTS" not in entitled:
            entitled.append("PREM-SPORTS")
        for code in entitled:
            self.headend["entitlements"].append(
                {"account_id": account_id, "product_code": code, "as_of": snapshot_at}
            )
        return held

    def _devices(self, account_id: str, held: list[dict]) -> None:
        codes = {s["product_code"] for s in held}
        start = held[0]["start_date"]
        serial = int(account_id[1:])
        if codes & set(catalog.TV_BASES):
            uhd = "BASE-PREM" in codes
            self.cms["devices"].append(
                {
                    "device_serial": f"STB{serial:09d}",
                    "account_id": account_id,
                    "device_type": "stb_uhd" if uhd else "stb",
                    "rental_product_code": "RENT-STB-UHD" if uhd else "RENT-STB",
                    "rented_from": start,
                }
            )
        if codes & set(catalog.INTERNET):
            self.cms["devices"].append(
                {
                    "device_serial": f"MDM{serial:09d}",
                    "account_id": account_id,
                    "device_type": "modem",
                    "rental_product_code": "RENT-MODEM",
                    "rented_from": start,
                }
            )

    # -- headend -------------------------------------------------------------
    def _usage(self, account_id: str, held: list[dict]) -> None:
        rng, period = self.rng, self.period
        codes = {s["product_code"] for s in held}
        n = int(account_id[1:])
        if codes & set(catalog.TV_BASES):
            # the accounts bad rows are planted in buy at least once
            planted = n % 1009 == 3 or n % 4999 == 7 or n % 1501 == 11 or n % 1013 == 5
            for i in range(max(_poisson(rng, 1.2), int(planted))):
                premium = rng.random() < 0.3
                event = {
                    "event_id": f"V{n:08d}-{i:03d}",
                    "account_id": account_id,
                    "device_serial": f"STB{n:09d}",
                    "title_id": f"T{rng.randrange(5000):05d}",
                    "title_name": f"영화 {rng.randrange(5000)}",
                    "purchase_type": "purchase" if rng.random() < 0.05 else "rental",
                    "price_tier": "premium" if premium else "standard",
                    "list_price": rng.choice((5500, 11000))
                    if premium
                    else rng.choice((1650, 3300)),
                    "event_ts": period.at(
                        period.start + timedelta(days=rng.randrange(period.days)), rng
                    ),
                }
                if n % 1009 == 3 and i == 0:  # planted: an impossible date
                    event["event_ts"] = "2026-13-45T10:00:00+09:00"
                if n % 4999 == 7 and i == 0:  # planted: a card number typed into free text
                    event["title_name"] = f"결제 카드 {PLANTED_PAN}"
                if n % 1501 == 11 and i == 0:  # planted: an account billing does not know
                    event["account_id"] = "A99999998"
                self.headend["vod_purchases"].append(event)
                if n % 1013 == 5 and i == 0:  # planted: the same id twice in one file
                    self.headend["vod_purchases"].append(dict(event))
            if rng.random() < 0.04:
                self.headend["ppv_purchases"].append(
                    {
                        "event_id": f"P{n:08d}-001",
                        "account_id": account_id,
                        "device_serial": f"STB{n:09d}",
                        "event_code": "UFC-310",
                        "event_name": "UFC 310",
                        "list_price": 22000,
                        "event_ts": period.at(
                            period.start + timedelta(days=rng.randrange(period.days)), rng
                        ),
                    }
                )
        if codes & set(catalog.INTERNET):
            # the period's records are drawn for the whole chunk at once (data_usage.py)
            self.usage_plan.add(n, rng.lognormvariate(5.3, 0.8))
            if rng.random() < 0.01:  # late: from the previous period, delivered now
                start = period.at(period.start - timedelta(days=rng.randrange(1, 5)), rng)
                self.late["data_usage"].append(
                    {
                        "record_id": f"D{n:08d}-L001",
                        "account_id": account_id,
                        "usage_start": start,
                        "usage_end": start + timedelta(minutes=30),
                        "bytes_down": 2 * 10**9,
                        "bytes_up": 10**8,
                    }
                )

    def _business_details(self) -> dict:
        """What a business buyer's tax invoices name: its representative, business
        type (업태) and item (종목)."""
        kind, item = self.business.choice(BUSINESS_KINDS)
        return {
            "representative_name": self.business.choice(self.people["name"]),
            "business_type": kind,
            "business_item": item,
        }

    # -- go-live and payments --------------------------------------------------
    def _payment(self, account: dict, held: list[dict]) -> None:
        """The previous billing system's last bill, handed over as the account's opening
        balance (due in the period, the day before the cycle its go-live), and its
        payment in the period: declined, failed or never made for a few, so that their
        first invoice carries it with a late fee; a few accounts were in credit."""
        rng, period = self.rng, self.period
        prices = {p[0]: p[5] for p in catalog.PRODUCTS}
        amount = sum(prices[s["product_code"]] for s in held) * 11 // 100 * 10
        n = int(account["account_id"][1:])
        due = period.start + timedelta(days=20)
        paid_at = period.at(period.start + timedelta(days=rng.randrange(5, 25)), rng)
        in_credit = self.legacy.random() < 0.01
        if amount or in_credit:
            self.cms["opening_balances"].append(
                {
                    "account_id": account["account_id"],
                    "amount": -self.legacy.randrange(1, 11) * 1000 if in_credit else amount,
                    "currency": "KRW",
                    "as_of": period.end - timedelta(days=1),
                    "due_date": due,
                    "legacy_ref": f"OLD-{account['account_id']}",
                }
            )
        if not amount:
            return
        # an account in credit pays nothing (its draws are made all the same, so that
        # every other row stays as the seed gives it)
        unmade = [] if in_credit else None
        method = account["payment_method"]
        if method in ("card", "easy_pay"):
            declined = rng.random() < 0.05
            self._pay(
                unmade,
                "card_settlements",
                {
                    "txn_id": f"C{period.start:%Y%m}-N{n:08d}",
                    "account_id": account["account_id"],
                    "amount": amount,
                    "currency": "KRW",
                    "status": "declined" if declined else "approved",
                    "decline_code": "51" if declined else None,
                    "method": method,
                    "provider": "KCP" if method == "card" else "NaverPay",
                    "card_last4": account["card_last4"],
                    "processed_at": paid_at,
                },
            )
        elif method == "auto_debit":
            failed = rng.random() < 0.03
            self._pay(
                unmade,
                "autodebit_results",
                {
                    "request_id": f"R{period.start:%Y%m}-N{n:08d}",
                    "account_id": account["account_id"],
                    "amount": amount,
                    "result": "fail" if failed else "success",
                    "result_code": "E101" if failed else "0000",
                    "bank_code": "004",
                    "processed_on": paid_at.date(),
                },
            )
        elif method == "virtual_account":
            depositor = account["name"] if n % 503 != 0 else f"입금 {PLANTED_PAN}"
            self._pay(
                unmade,
                "va_deposits",
                {
                    "deposit_id": f"VA{period.start:%Y%m}-N{n:08d}",
                    "virtual_account_no": account["virtual_account_no"],
                    "amount": amount,
                    "depositor_name": depositor,
                    "deposited_at": paid_at,
                },
            )
        if method == "card" and rng.random() < 0.002:
            self._pay(
                unmade,
                "refunds",
                {
                    "refund_id": f"RF{n:08d}",
                    "account_id": account["account_id"],
                    "amount": min(amount, 5000),
                    "kind": "refund",
                    "original_txn_id": f"C{period.start:%Y%m}-N{n:08d}",
                    "processed_at": paid_at,
                },
            )

    def _pay(self, unmade: list | None, entity: str, row: dict) -> None:
        """Deliver a payment row, or put it in `unmade` (a payment not made)."""
        (self.payments[entity] if unmade is None else unmade).append(row)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by inversion (small means only)."""
    limit, k, p = pow(2.718281828459045, -mean), 0, rng.random()
    while p > limit:
        p *= rng.random()
        k += 1
    return k

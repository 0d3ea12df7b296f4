"""`generate`: deterministic synthetic deliveries for months of an operator's life.

The first month is go-live from a previous billing system: its CMS snapshot hands
over each account's opening balance (the previous system's last bill), paid in the
period by most. Each later month delivers a new full CMS snapshot of the same
accounts, changed as a month changes them: a few join, change their TV package, add
or drop a premium channel, pause, swap a set-top box or leave (some inside their
contract, some entered late, after the period they left in was billed); the
headend's usage of the month, with late and re-sent records; support adjustments
with their tickets; outages, a few long enough to be credited. The payments of the
platform's own bills come after each bill run (`simulate_payments`): a generator
cannot know what the platform will bill.

Accounts are generated in chunks, each from its own seeded random sources (one per
month), and every month of a chunk is streamed to the delivery files before the next
chunk starts, so memory stays flat at any scale. A small, fixed share of rows is
planted bad (bad timestamps, unknown accounts, duplicate ids, a card number in a
free-text field) to exercise quarantine.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
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
CMS_ENTITIES = [
    "accounts",
    "products",
    "subscriptions",
    "suspensions",
    "devices",
    "orders",
    "promotions",
    "promotion_assignments",
    "opening_balances",
]
# What a month does to an account, by the share of accounts it happens to (later
# months; in the first, the snapshot is what the previous system handed over).
CHANGES = (
    ("leave", 0.008),
    ("change_package", 0.02),
    ("add_premium", 0.01),
    ("drop_premium", 0.008),
    ("pause", 0.01),
    ("swap_device", 0.004),
    ("entered_late", 0.003),
)
JOIN_SHARE = 0.012  # new accounts a month, of the accounts at go-live
LEFT_LATE_SHARE = 0.2  # of those leaving: entered after their last period was billed
OUTAGE_SHARE = 0.02  # accounts a month whose line is down five days or more


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

    def day(self, rng: random.Random) -> date:
        """A day of the period after its first."""
        return self.start + timedelta(days=rng.randrange(1, self.days))


def cycles(first: date, months: int) -> list[date]:
    """The cycle dates of `months` consecutive months from `first`."""
    return [add_months(first, m) for m in range(months)]


@dataclass
class _Month:
    """One month's deliveries: a writer per delivery."""

    cycle: date
    period: Period
    cms: DeliveryWriter
    headend: DeliveryWriter
    late: DeliveryWriter
    payments: DeliveryWriter | None  # go-live only: the previous system's last bill
    crm: DeliveryWriter

    @classmethod
    def open(cls, out: Path, cycle: date, go_live: bool) -> _Month:
        stamp = cycle.strftime("%Y%m%d")
        at = lambda hour: datetime.combine(cycle, time(hour), KST)  # noqa: E731
        entities = ["vod_purchases", "ppv_purchases", "data_usage", "outages", "entitlements"]
        payments = ["card_settlements", "autodebit_results", "va_deposits", "refunds"]
        return cls(
            cycle,
            Period(add_months(cycle, -1), cycle),
            DeliveryWriter(out, "cms", f"{stamp}-0001", at(1), CMS_ENTITIES),
            DeliveryWriter(out, "headend", f"{stamp}-0001", at(2), entities),
            DeliveryWriter(out, "headend", f"{stamp}-0002", at(5), ["vod_purchases", "data_usage"]),
            DeliveryWriter(out, "payments", f"{stamp}-0001", at(3), payments) if go_live else None,
            DeliveryWriter(out, "crm", f"{stamp}-0001", at(4), ["adjustments"]),
        )

    @property
    def writers(self) -> list[DeliveryWriter]:
        return [w for w in (self.cms, self.headend, self.late, self.payments, self.crm) if w]


def generate(
    out: Path, accounts: int, seed: int, cycle: date, usage_records: int = 8, months: int = 1
) -> list[Path]:
    """Write `months` consecutive months of deliveries for all four feeds under `out`,
    the first for the bill run of `cycle`; returns their folders.

    `usage_records` is the mean number of data-usage records per internet account.
    """
    written = [_Month.open(out, day, go_live=m == 0) for m, day in enumerate(cycles(cycle, months))]
    go_live = written[0].period
    for month in written:
        # the catalogue and its campaigns as of go-live: prices change on their dates
        month.cms.write("products", catalog.products(go_live.start))
        month.cms.write("promotions", catalog.promotions(go_live.start))
        month.headend.write("outages", _regional_outages(month.period, random.Random(seed)))
    for first in range(0, accounts, CHUNK):
        chunk = _Chunk(seed, first, min(first + CHUNK, accounts), accounts, usage_records)
        for m, month in enumerate(written):
            chunk.live(m, month.cycle, month.period)
            for writer, rows in (
                (month.cms, chunk.cms),
                (month.headend, chunk.headend),
                (month.late, chunk.late),
                (month.payments, chunk.payments),
                (month.crm, chunk.crm),
            ):
                for entity, entity_rows in rows.items():
                    if entity_rows:
                        writer.write(entity, entity_rows)
            month.headend.write_table("data_usage", chunk.data_usage)
            month.late.write_table("data_usage", chunk.resent_usage)
        log.info("generated accounts %d-%d of %d", first + 1, chunk.last, accounts)
    return [w.close() for month in written for w in month.writers]


def _regional_outages(period: Period, rng: random.Random) -> list[dict]:
    """A region's short outages, too short to be credited."""
    rows = []
    for i, region in enumerate((REGIONS[0], REGIONS[-1]), start=1):
        start = period.at(period.start + timedelta(days=rng.randrange(period.days)), rng)
        rows.append(
            {
                "outage_id": f"OUT-{period.start:%Y%m}-R{i:02d}",
                "region_code": region,
                "started_at": start,
                "ended_at": start + timedelta(hours=rng.randrange(2, 30)),
            }
        )
    return rows


@dataclass
class _Customer:
    """An account and what it holds, carried from month to month."""

    number: int
    account: dict
    subscriptions: list[dict]
    devices: list[dict] = field(default_factory=list)
    suspensions: list[dict] = field(default_factory=list)
    usage_gb: float = 0.0  # its usual month of data

    @property
    def account_id(self) -> str:
        return self.account["account_id"]

    def held(self, period: Period) -> list[dict]:
        """Its subscriptions active on some day of `period`."""
        return [
            s
            for s in self.subscriptions
            if s["start_date"] < period.end and (s.get("end_date") or period.end) > period.start
        ]

    def open(self) -> list[dict]:
        return [s for s in self.subscriptions if not s.get("end_date")]

    def next_subscription_id(self) -> str:
        return f"S{self.account_id[1:]}-{len(self.subscriptions) + 1:02d}"


class _Chunk:
    """The accounts [first, last) and what they send each month, for every feed."""

    def __init__(self, seed: int, first: int, last: int, accounts: int, usage_records: int):
        self.seed, self.first, self.last, self.accounts = seed, first, last, accounts
        self.usage_records = usage_records
        # its own streams, so that planting mismatches, the balances handed over at
        # go-live and business details leave every other row as it was
        self.planting = random.Random(f"{seed}:{first}:planted")
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
        self.customers: list[_Customer] = []
        # the snapshot's rows that are not any one customer's state
        self.orders: list[dict] = []
        self.assignments: list[dict] = []
        self.opening_balances: list[dict] = []
        self.planted: list[dict] = []

    def live(self, m: int, cycle: date, period: Period) -> None:
        """Month `m` (0: go-live) of the chunk, up to its bill run on `cycle`: its rows
        in cms, headend, late, payments and crm, and its data usage."""
        tag = f"{self.seed}:{self.first}" if m == 0 else f"{self.seed}:{self.first}:{cycle:%Y%m}"
        self.rng, self.cycle, self.period = random.Random(tag), cycle, period
        self.headend = {e: [] for e in ("vod_purchases", "ppv_purchases", "entitlements")}
        self.headend["outages"] = []
        self.late = {"vod_purchases": [], "data_usage": []}
        self.payments = {e: [] for e in ("card_settlements", "autodebit_results", "va_deposits")}
        self.payments["refunds"] = []
        self.crm = {"adjustments": []}
        if m == 0:
            for n in range(self.first, self.last):
                self._join(n, go_live=True)
        else:
            for customer in self.customers:
                self._change(customer)
            size = self.last - self.first
            joining = round(size * JOIN_SHARE * self.rng.uniform(0.7, 1.3))
            for j in range(min(joining, size)):
                # numbers no chunk or month shares: above every go-live account's
                self._join(self.accounts * m + self.first + j, go_live=False)
        plan = UsagePlan()
        for customer in self.customers:
            self._status(customer)
            self._month_of(customer, plan)
        self.data_usage, self.resent_usage = draw(
            plan, self.usage_records, f"{tag}:usage", period.midnight, period.days
        )
        self.cms = {
            "accounts": [c.account for c in self.customers],
            "subscriptions": [s for c in self.customers for s in c.subscriptions] + self.planted,
            "suspensions": [s for c in self.customers for s in c.suspensions],
            "devices": [d for c in self.customers for d in c.devices],
            "orders": self.orders,
            "promotion_assignments": self.assignments,
            "opening_balances": self.opening_balances,
        }

    # -- cms -----------------------------------------------------------------
    def _join(self, n: int, go_live: bool) -> None:
        """Account number `n`: handed over at go-live (`go_live`), or joining in the
        period."""
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
        created = (
            period.start - timedelta(days=rng.randrange(30, 900)) if go_live else period.day(rng)
        )
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
        customer = _Customer(n, account, [])
        new = not go_live or rng.random() < 0.07
        self._subscribe(customer, period.day(rng) if new and go_live else created, new)
        self._devices(customer)
        if go_live and rng.random() < 0.02:
            self._pause(customer)
        if any(s["product_code"] in catalog.INTERNET for s in customer.subscriptions):
            customer.usage_gb = rng.lognormvariate(5.3, 0.8)
        if go_live:
            self._opening_balance(customer)
        if n % 997 == 500 and go_live:  # planted: a subscription of an account unknown
            self.planted.append(
                {
                    "subscription_id": f"S{n + 1:08d}-X",
                    "account_id": "A99999999",
                    "product_code": "BASE-ECO",
                    "quantity": 1,
                    "start_date": period.start,
                }
            )
        self.customers.append(customer)

    def _virtual_account(self, n: int) -> str:
        return f"5620{n + 1:010d}"

    def _brn(self) -> str:
        """A checksum-valid registration number: office, type, serial, check digit."""
        first_nine = f"{self.rng.randrange(101, 1000)}81{self.rng.randrange(1, 10**4):04d}"
        return first_nine + str(check_digit(first_nine))

    def _subscribe(self, customer: _Customer, start: date, new: bool) -> None:
        """The products a customer holds from `start`; with `new`, its installation
        order and welcome promotions too."""
        rng, period = self.rng, self.period
        account_id = customer.account_id
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
        for code in codes:
            sub = {
                "subscription_id": customer.next_subscription_id(),
                "account_id": account_id,
                "product_code": code,
                "quantity": 1,
                "start_date": start,
            }
            customer.subscriptions.append(sub)
            if code in catalog.TV_BASES + catalog.INTERNET and rng.random() < 0.5:
                pct = rng.choice((10, 15))
                sub |= {
                    "contract_months": rng.choice((12, 24, 36)),
                    "contract_start_date": start,
                    "contract_discount_pct": pct,
                }
                # the previous system's record of the discounts it granted, for some
                months = (period.start.year - start.year) * 12 + period.start.month - start.month
                if months > 0 and self.legacy.random() < 0.5:
                    sub["discount_granted_before"] = months * catalog.PRICES[code] * pct // 100
            if not new and rng.random() < 0.03:
                sub["end_date"] = period.day(rng)
                sub["termination_reason"] = rng.choice(TERMINATION_REASONS)
        if new:
            self.orders.append(
                {
                    "order_id": f"O{account_id[1:]}-01",
                    "account_id": account_id,
                    "product_code": "FEE-INSTALL",
                    "quantity": 1,
                    "completed_at": datetime.combine(start, time(14), KST),
                }
            )
            if any(code in catalog.INTERNET for code in codes):
                self.assignments.append(
                    {"account_id": account_id, "promo_code": "INSTALL-FREE", "starts_on": start}
                )
        for sub in customer.subscriptions:
            if sub["product_code"] == "PREM-MOVIE" and new:
                self._welcome(sub)
            if sub["product_code"] in catalog.INTERNET and rng.random() < 0.1:
                self.assignments.append(
                    {
                        "account_id": account_id,
                        "subscription_id": sub["subscription_id"],
                        "promo_code": "NET-HALF",
                        "starts_on": sub["start_date"],
                    }
                )

    def _welcome(self, sub: dict) -> None:
        self.assignments.append(
            {
                "account_id": sub["account_id"],
                "subscription_id": sub["subscription_id"],
                "promo_code": "WELCOME-MOVIE",
                "starts_on": sub["start_date"],
            }
        )

    def _devices(self, customer: _Customer) -> None:
        codes = {s["product_code"] for s in customer.subscriptions}
        start = customer.subscriptions[0]["start_date"]
        if codes & set(catalog.TV_BASES):
            self._rent(customer, "stb_uhd" if "BASE-PREM" in codes else "stb", start)
        if codes & set(catalog.INTERNET):
            self._rent(customer, "modem", start)

    def _rent(self, customer: _Customer, kind: str, start: date) -> None:
        """A device rented from `start`; a replacement's serial counts the ones before."""
        prefix, product = {
            "stb": ("STB", "RENT-STB"),
            "stb_uhd": ("STB", "RENT-STB-UHD"),
            "modem": ("MDM", "RENT-MODEM"),
        }[kind]
        earlier = sum(d["device_serial"].startswith(prefix) for d in customer.devices)
        serial = f"{prefix}{customer.number + 1:09d}" + (f"-{earlier}" if earlier else "")
        customer.devices.append(
            {
                "device_serial": serial,
                "account_id": customer.account_id,
                "device_type": kind,
                "rental_product_code": product,
                "rented_from": start,
            }
        )

    def _pause(self, customer: _Customer) -> None:
        start = self.period.start + timedelta(days=self.rng.randrange(self.period.days))
        customer.suspensions.append(
            {
                "account_id": customer.account_id,
                "kind": "customer",
                "from_date": start,
                "to_date": start + timedelta(days=self.rng.randrange(7, 45)),
            }
        )

    def _change(self, customer: _Customer) -> None:
        """What the month does to an account that was there at its start."""
        rng, period = self.rng, self.period
        draw, day = rng.random(), period.day(rng)
        if not customer.open():
            return
        change, bound = None, 0.0
        for name, share in CHANGES:
            bound += share
            if draw < bound:
                change = name
                break
        if change == "leave":
            if rng.random() < LEFT_LATE_SHARE:  # left in the previous period, entered now
                day -= timedelta(days=period.days)
            reason = rng.choice(TERMINATION_REASONS)
            for sub in customer.open():
                sub |= {"end_date": max(day, sub["start_date"]), "termination_reason": reason}
        elif change == "change_package":
            old = next(
                (
                    s
                    for s in customer.open()
                    if s["product_code"] in catalog.TV_BASES and not s.get("contract_months")
                ),
                None,
            )
            if old is not None:
                old["end_date"] = day
                code = rng.choice([c for c in catalog.TV_BASES if c != old["product_code"]])
                self._add(customer, code, day)
        elif change == "add_premium":
            held = {s["product_code"] for s in customer.open()}
            choices = [c for c in catalog.PREMIUMS if c not in held]
            if held & set(catalog.TV_BASES) and choices:
                sub = self._add(customer, rng.choice(choices), day)
                if sub["product_code"] == "PREM-MOVIE":
                    self._welcome(sub)
        elif change == "drop_premium":
            for sub in customer.open():
                if sub["product_code"] in catalog.PREMIUMS:
                    sub |= {"end_date": day, "termination_reason": "customer_request"}
                    break
        elif change == "pause":
            self._pause(customer)
        elif change == "swap_device":
            device = next((d for d in customer.devices if "returned_at" not in d), None)
            if device is not None:
                device["returned_at"] = max(day, device["rented_from"])
                self._rent(customer, device["device_type"], device["returned_at"])
                self.orders.append(
                    {
                        # a letter apart, so that no run of digits reads as a card number
                        "order_id": f"O{customer.account_id[1:]}-R{len(customer.devices)}",
                        "account_id": customer.account_id,
                        "product_code": "FEE-REPLACE",
                        "quantity": 1,
                        "completed_at": datetime.combine(device["returned_at"], time(15), KST),
                    }
                )
        elif change == "entered_late":  # started in the previous period, entered now
            held = {s["product_code"] for s in customer.open()}
            if held & set(catalog.TV_BASES) and "ADD-DVR" not in held:
                self._add(customer, "ADD-DVR", day - timedelta(days=period.days))

    def _status(self, customer: _Customer) -> None:
        """The account's status at the snapshot; a customer who has left has returned
        the devices by the day the last subscription ended."""
        if not customer.open():
            last = max(s["end_date"] for s in customer.subscriptions)
            for device in customer.devices:
                device.setdefault("returned_at", max(last, device["rented_from"]))
            customer.account["status"] = "terminated"
        elif any(s["from_date"] <= self.cycle < s["to_date"] for s in customer.suspensions):
            customer.account["status"] = "suspended"
        else:
            customer.account["status"] = "active"

    def _add(self, customer: _Customer, code: str, start: date) -> dict:
        sub = {
            "subscription_id": customer.next_subscription_id(),
            "account_id": customer.account_id,
            "product_code": code,
            "quantity": 1,
            "start_date": start,
        }
        customer.subscriptions.append(sub)
        return sub

    # -- headend and crm -------------------------------------------------------
    def _month_of(self, customer: _Customer, plan: UsagePlan) -> None:
        """A customer's month: the headend's view of it, its usage and its tickets."""
        rng, period = self.rng, self.period
        held = customer.held(period)
        if not held:
            return
        self._entitlements(customer)
        self._usage(customer, {s["product_code"] for s in held}, plan)
        if rng.random() < OUTAGE_SHARE:
            start = period.at(period.start + timedelta(days=rng.randrange(period.days - 7)), rng)
            self.headend["outages"].append(
                {
                    "outage_id": f"OUT-{period.start:%Y%m}-{customer.account_id}",
                    "account_id": customer.account_id,
                    "started_at": start,
                    "ended_at": start + timedelta(days=5, hours=rng.randrange(1, 48)),
                }
            )
        if rng.random() < 0.01:
            self.crm["adjustments"].append(
                {
                    "adjustment_id": f"ADJ-{customer.number + 1:08d}-M{period.start:%y%m}",
                    "account_id": customer.account_id,
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

    def _entitlements(self, customer: _Customer) -> None:
        """What the conditional-access system authorises at the snapshot."""
        snapshot_at = datetime.combine(self.cycle, time(0, 30), KST)
        entitled = [s["product_code"] for s in customer.open()]
        # planted, rarely: a product billed but not authorised (dropped here) ...
        entitled = [code for code in entitled if self.rng.random() > 0.001]
        # ... and one authorised but not billed
        if self.planting.random() < 0.002 and "PREM-SPORTS" not in entitled:
            entitled.append("PREM-SPORTS")
        for code in entitled:
            self.headend["entitlements"].append(
                {"account_id": customer.account_id, "product_code": code, "as_of": snapshot_at}
            )

    def _usage(self, customer: _Customer, codes: set[str], plan: UsagePlan) -> None:
        rng, period = self.rng, self.period
        account_id, n = customer.account_id, customer.number
        month = f"{period.start:%y%m}"
        boxes = [d["device_serial"] for d in customer.devices if d["device_type"] != "modem"]
        stb = boxes[-1] if boxes else None
        if codes & set(catalog.TV_BASES):
            # the accounts bad rows are planted in buy at least once
            planted = n % 1009 == 3 or n % 4999 == 7 or n % 1501 == 11 or n % 1013 == 5
            for i in range(max(_poisson(rng, 1.2), int(planted))):
                number = rng.randrange(catalog.VOD_TITLES)
                title_id, title = catalog.vod_title(number)
                premium = number < catalog.NEW_RELEASES
                event = {
                    "event_id": f"V{n:08d}-M{month}-{i:03d}",
                    "account_id": account_id,
                    "device_serial": stb,
                    "title_id": title_id,
                    "title_name": title,
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
                        "event_id": f"P{n:08d}-M{month}-001",
                        "account_id": account_id,
                        "device_serial": stb,
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
            plan.add(n, customer.usage_gb * rng.uniform(0.8, 1.2))
            if rng.random() < 0.01:  # late: from the previous period, delivered now
                start = period.at(period.start - timedelta(days=rng.randrange(1, 5)), rng)
                self.late["data_usage"].append(
                    {
                        "record_id": f"D{n:08d}-M{month}-L001",
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

    # -- go-live -----------------------------------------------------------------
    def _opening_balance(self, customer: _Customer) -> None:
        """The previous billing system's last bill, handed over as the account's opening
        balance (due in the period, the day before the cycle its go-live), and its
        payment in the period: declined, failed or never made for a few, so that their
        first invoice carries it with a late fee; a few accounts were in credit."""
        rng, period, account = self.rng, self.period, customer.account
        charges = sum(catalog.PRICES[s["product_code"]] for s in customer.subscriptions)
        amount = charges * 11 // 100 * 10
        n = customer.number
        due = period.start + timedelta(days=20)
        paid_at = period.at(period.start + timedelta(days=rng.randrange(5, 25)), rng)
        in_credit = self.legacy.random() < 0.01
        if amount or in_credit:
            self.opening_balances.append(
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

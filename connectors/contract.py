"""The feed contract as data: feeds, entities, columns, types, keys and enums.

Every connector check and the synthetic generator read this one description, so
the contract is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass

# Column types. Money is a decimal string in the currency's major unit.
TEXT = "text"  # free text: checked for card and resident registration numbers
ID = "id"  # identifier: checked for PII like free text, never empty when required
ENUM = "enum"
INT = "int"
MONEY = "money"
DATE = "date"
TIMESTAMP = "timestamp"
BOOL = "bool"
JSON = "json"
DIGITS = "digits"  # a number kept as text (virtual account, registration numbers)

PII_CHECKED_TYPES = frozenset({TEXT, ID, JSON})


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values of an ENUM
    default: str | None = None
    min_value: int | None = None
    max_value: int | None = None
    signed: bool = False  # MONEY that may be negative (a credit), not a direction


@dataclass(frozen=True)
class Entity:
    feed: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    account_ref: str | None = None  # column that must name an account of the same snapshot
    product_ref: str | None = None  # column that must name a product of the same snapshot
    checks: tuple[str, ...] = ()  # extra row rules, see connectors.validate
    optional: bool = False  # a snapshot may leave it out (its file, not its rows)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: str, required: bool = False, **kw) -> Column:
    return Column(name, type_, required, **kw)


def _enum(name: str, values: str, required: bool = False, default: str | None = None) -> Column:
    return Column(name, ENUM, required, tuple(values.split()), default)


PRODUCT_TYPES = "base_package premium_channel addon internet phone equipment one_time_fee vod ppv"

ENTITIES: tuple[Entity, ...] = (
    # --- cms: full snapshots -------------------------------------------------
    Entity(
        "cms",
        "accounts",
        (
            _c("account_id", ID, True),
            _enum("customer_type", "residential business", True),
            _c("name", TEXT, True),
            _c("email", TEXT),
            _c("phone", TEXT),
            _c("address", TEXT),
            _c("region_code", ID, True),
            _c("bill_cycle_day", INT, True, min_value=1, max_value=28),
            _c("currency", ID, True),
            _enum("language", "ko en", default="ko"),
            _enum("payment_method", "card auto_debit virtual_account easy_pay giro", True),
            _c("payment_token", ID),
            _c("card_last4", DIGITS),
            _c("virtual_account_no", DIGITS),
            _c("business_reg_no", DIGITS),
            _c("representative_name", TEXT),
            _c("business_type", TEXT),  # 업태
            _c("business_item", TEXT),  # 종목
            _c("tax_exempt", BOOL, default="false"),
            _enum("status", "active suspended terminated", True),
            _c("created_at", TIMESTAMP, True),
        ),
        key=("account_id",),
        checks=("card_last4", "currency", "business_account"),
    ),
    Entity(
        "cms",
        "products",
        (
            _c("product_code", ID, True),
            _c("name_ko", TEXT, True),
            _c("name_en", TEXT, True),
            _enum("product_type", PRODUCT_TYPES, True),
            _enum("charge_type", "monthly annual one_time usage", True),
            _c("price", MONEY, True),
            _c("currency", ID, True),
            _enum("tax_category", "standard zero exempt", True),
            _c("gl_revenue_account", ID, True),
            _c("included_vod_views", INT, min_value=0),
            _c("data_allowance_gb", INT, min_value=0),
            _c("overage_tiers", JSON),
            _c("overage_cap", MONEY),
            _c("valid_from", DATE, True),
            _c("valid_to", DATE),
        ),
        key=("product_code", "valid_from"),
        checks=("currency", "valid_range"),
    ),
    Entity(
        "cms",
        "subscriptions",
        (
            _c("subscription_id", ID, True),
            _c("account_id", ID, True),
            _c("product_code", ID, True),
            _c("quantity", INT, True, min_value=1),
            _c("start_date", DATE, True),
            _c("end_date", DATE),
            _c("contract_months", INT, default="0", values=("0", "12", "24", "36")),
            _c("contract_start_date", DATE),
            _c("contract_discount_pct", MONEY),
            _c("termination_reason", ID),
            # contract discounts granted before the platform's first bill run (migration)
            _c("discount_granted_before", MONEY),
        ),
        key=("subscription_id",),
        account_ref="account_id",
        product_ref="product_code",
        checks=("date_range",),
    ),
    Entity(
        "cms",
        "suspensions",
        (
            _c("account_id", ID, True),
            _enum("kind", "customer nonpayment", True),
            _c("from_date", DATE, True),
            _c("to_date", DATE),
        ),
        key=("account_id", "kind", "from_date"),
        account_ref="account_id",
        checks=("date_range",),
    ),
    Entity(
        "cms",
        "devices",
        (
            _c("device_serial", ID, True),
            _c("account_id", ID, True),
            _enum("device_type", "stb stb_uhd modem wifi_router", True),
            _c("rental_product_code", ID, True),
            _c("rented_from", DATE, True),
            _c("returned_at", DATE),
        ),
        key=("device_serial", "rented_from"),
        account_ref="account_id",
        product_ref="rental_product_code",
        checks=("date_range",),
    ),
    Entity(
        "cms",
        "orders",
        (
            _c("order_id", ID, True),
            _c("account_id", ID, True),
            _c("product_code", ID, True),
            _c("quantity", INT, True, min_value=1),
            _c("completed_at", TIMESTAMP, True),
        ),
        key=("order_id",),
        account_ref="account_id",
        product_ref="product_code",
    ),
    Entity(
        "cms",
        "promotions",
        (
            _c("promo_code", ID, True),
            _c("name", TEXT, True),
            _enum("kind", "percent_off amount_off free_trial fee_waiver bundle", True),
            _c("value", MONEY, True),
            _c("applies_to", TEXT),
            _c("duration_months", INT, min_value=1),
            _c("duration_days", INT, min_value=1),
            _c("requires", TEXT),
            _c("priority", INT, True),
            _c("campaign_from", DATE),
            _c("campaign_to", DATE),
        ),
        key=("promo_code",),
    ),
    Entity(
        "cms",
        "promotion_assignments",
        (
            _c("account_id", ID, True),
            _c("subscription_id", ID),
            _c("promo_code", ID, True),
            _c("starts_on", DATE, True),
        ),
        key=("account_id", "subscription_id", "promo_code", "starts_on"),
        account_ref="account_id",
    ),
    # What each account owed the previous billing system at go-live: taken in once
    # (a later delivery of another amount is quarantined, never a second balance).
    Entity(
        "cms",
        "opening_balances",
        (
            _c("account_id", ID, True),
            _c("amount", MONEY, True, signed=True),
            _c("currency", ID, True),
            _c("as_of", DATE, True),
            _c("due_date", DATE),
            _c("legacy_ref", ID),
        ),
        key=("account_id",),
        account_ref="account_id",
        optional=True,
    ),
    # --- headend: append-only events ------------------------------------------
    Entity(
        "headend",
        "vod_purchases",
        (
            _c("event_id", ID, True),
            _c("account_id", ID, True),
            _c("device_serial", ID),
            _c("title_id", ID, True),
            _c("title_name", TEXT),
            _enum("purchase_type", "rental purchase", True),
            _enum("price_tier", "standard premium", True),
            _c("list_price", MONEY, True),
            _c("event_ts", TIMESTAMP, True),
        ),
        key=("event_id",),
    ),
    Entity(
        "headend",
        "ppv_purchases",
        (
            _c("event_id", ID, True),
            _c("account_id", ID, True),
            _c("device_serial", ID),
            _c("event_code", ID, True),
            _c("event_name", TEXT),
            _c("list_price", MONEY, True),
            _c("event_ts", TIMESTAMP, True),
        ),
        key=("event_id",),
    ),
    Entity(
        "headend",
        "data_usage",
        (
            _c("record_id", ID, True),
            _c("account_id", ID, True),
            _c("usage_start", TIMESTAMP, True),
            _c("usage_end", TIMESTAMP, True),
            _c("bytes_down", INT, True, min_value=0),
            _c("bytes_up", INT, True, min_value=0),
        ),
        key=("record_id",),
        checks=("usage_range",),
    ),
    Entity(
        "headend",
        "outages",
        (
            _c("outage_id", ID, True),
            _c("region_code", ID),
            _c("account_id", ID),
            _c("started_at", TIMESTAMP, True),
            _c("ended_at", TIMESTAMP, True),
        ),
        key=("outage_id",),
        checks=("outage_target", "outage_range"),
    ),
    Entity(
        "headend",
        "entitlements",
        (
            _c("account_id", ID, True),
            _c("product_code", ID, True),
            _c("as_of", TIMESTAMP, True),
        ),
        key=("account_id", "product_code"),
    ),
    # --- payments: append-only ------------------------------------------------
    Entity(
        "payments",
        "card_settlements",
        (
            _c("txn_id", ID, True),
            _c("account_id", ID, True),
            _c("invoice_no", ID),
            _c("amount", MONEY, True),
            _c("currency", ID, True),
            _enum("status", "approved declined", True),
            _c("decline_code", ID),
            _enum("method", "card easy_pay", True),
            _c("provider", TEXT),
            _c("card_last4", DIGITS),
            _c("processed_at", TIMESTAMP, True),
        ),
        key=("txn_id",),
        checks=("card_last4", "currency"),
    ),
    Entity(
        "payments",
        "autodebit_results",
        (
            _c("request_id", ID, True),
            _c("account_id", ID, True),
            _c("invoice_no", ID),
            _c("amount", MONEY, True),
            _enum("result", "success fail", True),
            _c("result_code", ID),
            _c("bank_code", ID),
            _c("processed_on", DATE, True),
        ),
        key=("request_id",),
    ),
    Entity(
        "payments",
        "va_deposits",
        (
            _c("deposit_id", ID, True),
            _c("virtual_account_no", DIGITS, True),
            _c("amount", MONEY, True),
            _c("depositor_name", TEXT),
            _c("deposited_at", TIMESTAMP, True),
        ),
        key=("deposit_id",),
    ),
    Entity(
        "payments",
        "refunds",
        (
            _c("refund_id", ID, True),
            _c("account_id", ID, True),
            _c("amount", MONEY, True),
            _enum("kind", "refund chargeback", True),
            _c("original_txn_id", ID),
            _c("processed_at", TIMESTAMP, True),
        ),
        key=("refund_id",),
    ),
    # --- crm: append-only -----------------------------------------------------
    Entity(
        "crm",
        "adjustments",
        (
            _c("adjustment_id", ID, True),
            _c("account_id", ID, True),
            _c("invoice_no", ID),
            _enum("kind", "credit debit", True),
            _c("amount", MONEY, True),
            _c("taxable", BOOL, True),
            _c("reason_code", ID, True),
            _c("ticket_id", ID),
            _c("approved_at", TIMESTAMP, True),
        ),
        key=("adjustment_id",),
    ),
)

FEEDS = ("cms", "headend", "payments", "crm")
SNAPSHOT_FEEDS = frozenset({"cms"})
FILE_FORMATS = ("csv", "jsonl", "parquet")


def entity(feed: str, name: str) -> Entity:
    """The contract entity `name` of `feed`, or KeyError."""
    for e in ENTITIES:
        if e.feed == feed and e.name == name:
            return e
    raise KeyError(f"{feed}/{name}")


def entities_of(feed: str) -> tuple[Entity, ...]:
    return tuple(e for e in ENTITIES if e.feed == feed)

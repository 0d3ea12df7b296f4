"""Money, dates and quantities in the reader's language, with babel.

Formatting is most of the cost of a statement and a cycle repeats the same prices
and days thousands of times, so each text is formatted once per process."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LOCALES = {"ko": "ko_KR", "en": "en_US"}
BYTES_PER_GB = Decimal(10) ** 9


@lru_cache(maxsize=65_536)
def money(amount: Decimal, currency: str, language: str) -> str:
    """`amount` in the currency's own minor unit (₩ without decimals, $ with cents)."""
    return format_currency(amount, currency, locale=LOCALES[language])


@lru_cache(maxsize=4_096)
def day(value: date | None, language: str) -> str:
    if value is None:
        return ""
    return format_date(
        value, format="long" if language == "ko" else "medium", locale=LOCALES[language]
    )


def last_day(end_exclusive: date | None) -> date | None:
    """The last day of a range whose end is exclusive, as a reader expects to see it."""
    return None if end_exclusive is None else end_exclusive - timedelta(days=1)


def days(start: date | None, end_exclusive: date | None, language: str) -> str:
    """A range of days as `first ~ last`, or the one day it covers."""
    if start is None:
        return ""
    last = last_day(end_exclusive)
    if last is None or last == start:
        return day(start, language)
    return f"{day(start, language)} ~ {day(last, language)}"


def gigabytes(data_bytes: int, language: str) -> str:
    """Bytes as GB (10^9 bytes, as billed) with one decimal."""
    value = (Decimal(data_bytes) / BYTES_PER_GB).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return format_decimal(value, format="#,##0.0", locale=LOCALES[language])


def masked_card(last4: str | None) -> str:
    return f"**** **** **** {last4}" if last4 else ""

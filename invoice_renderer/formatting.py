"""Money and dates in the reader's language, with babel."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency

LOCALES = {"ko": "ko_KR", "en": "en_US"}


def money(amount: Decimal, currency: str, language: str) -> str:
    """`amount` in the currency's own minor unit (₩ without decimals, $ with cents)."""
    return format_currency(amount, currency, locale=LOCALES[language])


def day(value: date | None, language: str) -> str:
    if value is None:
        return ""
    return format_date(
        value, format="long" if language == "ko" else "medium", locale=LOCALES[language]
    )


def last_day(end_exclusive: date | None) -> date | None:
    """The last day of a range whose end is exclusive, as a reader expects to see it."""
    return None if end_exclusive is None else end_exclusive - timedelta(days=1)


def masked_card(last4: str | None) -> str:
    return f"**** **** **** {last4}" if last4 else ""

"""Money and dates in the reader's language, with babel."""

from __future__ import annotations

from datetime import date
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


def masked_card(last4: str | None) -> str:
    return f"**** **** **** {last4}" if last4 else ""

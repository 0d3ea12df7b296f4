"""Statements show the invoice marts' figures, in the account's language, escaped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from invoice_renderer.statements import Statement, render_html

OPERATOR = {"name": "케이블빌 방송", "phone": "1588-0000"}


def _statement(language: str = "ko", name: str = "홍길동", method: str = "card") -> Statement:
    invoice = {
        "invoice_no": "DRAFT-20261101-A1",
        "account_id": "A1",
        "currency": "KRW",
        "period_start": date(2026, 10, 1),
        "period_end": date(2026, 11, 1),
        "issue_date": date(2026, 11, 1),
        "due_date": date(2026, 11, 23),
        "supply_amount": Decimal("24732.00"),
        "vat_amount": Decimal("2473.00"),
        "rounding_amount": Decimal("-5.00"),
        "current_charges": Decimal("27200.00"),
        "previous_balance": Decimal("0.00"),
        "payments_and_credits": Decimal("0.00"),
        "amount_due": Decimal("27200.00"),
        "status": "draft",
    }
    lines = [
        {
            "line_type": "recurring",
            "description_ko": "스탠다드 방송",
            "description_en": "Standard TV",
            "amount": Decimal("13200.00"),
            "service_from": date(2026, 10, 1),
            "service_to": date(2026, 11, 1),
        },
        {
            "line_type": "recurring",
            "description_ko": "인터넷 (일할 13/31일)",
            "description_en": "Internet (prorated 13/31 days)",
            "amount": Decimal("11532.00"),
            "service_from": date(2026, 10, 19),
            "service_to": date(2026, 11, 1),
        },
        {
            "line_type": "vat",
            "description_ko": "부가가치세",
            "description_en": "VAT",
            "amount": Decimal("2473.00"),
            "service_from": None,
            "service_to": None,
        },
        {
            "line_type": "rounding",
            "description_ko": "10원 미만 절사",
            "description_en": "Rounding (below 10 won)",
            "amount": Decimal("-5.00"),
            "service_from": None,
            "service_to": None,
        },
    ]
    account = {
        "name": name,
        "address": "서울",
        "customer_type": "residential",
        "language": language,
        "payment_method": method,
        "card_last4": "1111",
        "virtual_account_no": "56200000000001",
    }
    return Statement(invoice, account, lines)


def test_korean_statement_shows_every_line_and_the_marts_totals():
    html = render_html(_statement(), OPERATOR)
    for text in (
        "요금 청구서",
        "납부하실 금액",
        "₩27,200",
        "₩13,200",
        "₩11,532",
        "₩2,473",
        "-₩5",
        "인터넷 (일할 13/31일)",
        "10원 미만 절사",
        "2026년 11월 23일",
        "2026년 10월 1일 ~ 2026년 10월 31일",
        "2026년 10월 19일 ~ 2026년 10월 31일",
        "**** **** **** 1111",
        "케이블빌 방송",
        "미리보기",
    ):
        assert text in html, text
    assert "http" not in html  # self-contained: no external requests


def test_english_statement_uses_english_words_and_dates():
    html = render_html(_statement(language="en"), OPERATOR)
    assert "Amount due" in html and "Internet (prorated 13/31 days)" in html
    assert "Nov 23, 2026" in html and "₩27,200" in html
    assert "요금 청구서" not in html


def test_virtual_account_customers_see_where_to_pay():
    html = render_html(_statement(method="virtual_account"), OPERATOR)
    assert "가상계좌" in html and "56200000000001" in html
    assert "**** 1111" not in html


def test_text_from_the_feeds_is_escaped():
    html = render_html(_statement(name="<script>alert(1)</script>"), OPERATOR)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html

"""A closed invoice with every kind of line, computed by hand (cycle 2026-11-01,
period Oct 1-31, VAT 10%, rounded down to 10 won):

  line  type       what                                   amount
  1     recurring  스탠다드 방송 Oct 1-31                  13,200
  2     discount     반값 3개월 (50% of line 1)            -6,600
  3     recurring  인터넷 (일할 13/31일) Oct 19-31         11,532
  4     discount     약정 할인 (on line 3)                 -1,000
  5     one_time   설치비                                 33,000
  6     discount     설치비 면제 (on line 5)              -33,000
  7     usage      VOD: 기생충                              3,300
  8     usage      PPV: UFC 300                            22,000
  9     correction VOD: 파묘 (지연 청구)                     1,100
  10    credit     고객 보상 (no line named)               -2,000
  11    late_fee   연체 가산금 (not taxed)                     290
  12    vat        부가가치세 10% of 41,532                 4,153
  13    rounding   10원 미만 절사                               -5

supply 41,822 (41,532 taxed + 290), VAT 4,153, rounding -5: current charges
45,970; previous balance 14,520 unpaid since Oct 23, so amount due 60,490.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from invoice_renderer.statements import Statement

OPERATOR = {
    "name": "케이블빌 방송",
    "phone": "1588-0000",
    "business_reg_no": "220-81-03560",
    "address": "서울특별시 중구 세종대로 110",
    "email": "etax@cablebill.example",
    "virtual_account_bank": "우리은행",
}
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)

LINES = (
    # line_no, type, product, ko, en, amount, service, discounts_line_no
    (1, "recurring", "BASE", "스탠다드 방송", "Standard TV", "13200", (OCT, NOV), None),
    (2, "discount", "BASE", "반값 3개월", "Half price for 3 months", "-6600", (OCT, NOV), 1),
    (
        3,
        "recurring",
        "NET",
        "인터넷 (일할 13/31일)",
        "Internet (prorated 13/31 days)",
        "11532",
        (date(2026, 10, 19), NOV),
        None,
    ),
    (4, "discount", "NET", "약정 할인", "Contract discount", "-1000", (date(2026, 10, 19), NOV), 3),
    (5, "one_time", "INSTALL", "설치비", "Installation", "33000", None, None),
    (6, "discount", "INSTALL", "설치비 면제", "Installation waived", "-33000", None, 5),
    (
        7,
        "usage",
        "VOD",
        "영화 VOD: 기생충",
        "Movies on demand: Parasite",
        "3300",
        (date(2026, 10, 5), date(2026, 10, 6)),
        None,
    ),
    (
        8,
        "usage",
        "PPV",
        "유료 이벤트(PPV): UFC 300",
        "Pay-per-view: UFC 300",
        "22000",
        (date(2026, 10, 7), date(2026, 10, 8)),
        None,
    ),
    (
        9,
        "correction",
        "VOD",
        "영화 VOD: 파묘 (지연 청구)",
        "Movies on demand: Exhuma (late usage)",
        "1100",
        (date(2026, 9, 28), date(2026, 9, 29)),
        None,
    ),
    (10, "credit", None, "고객 보상", "Goodwill credit", "-2000", None, None),
    (11, "late_fee", None, "연체 가산금", "Late fee", "290", None, None),
    (12, "vat", None, "부가가치세 10%", "VAT 10%", "4153", None, None),
    (13, "rounding", None, "10원 미만 절사", "Rounding (below 10 won)", "-5", None, None),
)


def statement(
    language: str = "ko",
    name: str = "홍길동",
    method: str = "card",
    overdue: bool = True,
    status: str = "finalised",
) -> Statement:
    invoice = {
        "invoice_no": "INV-2026-00000042",
        "account_id": "A1",
        "cycle_date": NOV,
        "currency": "KRW",
        "period_start": OCT,
        "period_end": NOV,
        "issue_date": NOV,
        "due_date": date(2026, 11, 23),
        "supply_amount": Decimal("41822.00"),
        "vat_amount": Decimal("4153.00"),
        "rounding_amount": Decimal("-5.00"),
        "current_charges": Decimal("45970.00"),
        "previous_balance": Decimal("14520.00"),
        "payments_and_credits": Decimal("0.00"),
        "amount_due": Decimal("60490.00"),
        "status": status,
    }
    lines = [
        {
            "invoice_no": invoice["invoice_no"],
            "line_no": no,
            "line_type": line_type,
            "product_code": product,
            "description_ko": ko,
            "description_en": en,
            "amount": Decimal(amount),
            "service_from": service[0] if service else None,
            "service_to": service[1] if service else None,
            "discounts_line_no": parent,
        }
        for no, line_type, product, ko, en, amount, service, parent in LINES
    ]
    account = {
        "name": name,
        "address": "서울특별시 중구 세종대로 110",
        "customer_type": "residential",
        "language": language,
        "payment_method": method,
        "card_last4": "1111",
        "virtual_account_no": "56200000000001",
    }
    summary = {
        "data_used_bytes": 123_400_000_000,
        "data_allowance_gb": 500,
        "overdue_amount": Decimal("14520.00") if overdue else None,
        "overdue_since": date(2026, 10, 23) if overdue else None,
    }
    promotions = [
        {"promo_code": "HALF3", "name": "반값 3개월", "ends_on": date(2026, 12, 15)},
        {"promo_code": "BUNDLE", "name": "결합 할인", "ends_on": None},
    ]
    return Statement(invoice, account, lines, summary, promotions)

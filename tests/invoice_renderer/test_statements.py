"""Statements show the invoice's own figures, every line, in the account's language."""

from __future__ import annotations

import re
from decimal import Decimal

from invoice_renderer.statements import render_html
from tests.invoice_renderer.examples import LINES, OPERATOR, statement

# 13 to 19 digits in a row, allowing the spaces and dashes cards are printed with
PAN_LIKE = re.compile(r"\d(?:[ -]?\d){12,18}")


def _text(html: str) -> str:
    """The page's visible text, one space between elements."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("<body>")[1]).split())


def test_korean_statement_shows_the_invoice_figures_and_every_line():
    text = _text(render_html(statement(), OPERATOR))
    for expected in (
        "요금 청구서 케이블빌 방송 고객센터 1588-0000",
        "청구서 번호 INV-2026-00000042",
        "고객 번호 A1 · 홍길동",
        "사용 기간 2026년 10월 1일 ~ 2026년 10월 31일",
        "발행일 2026년 11월 1일",
        "납부 기한 2026년 11월 23일",
        "전월 미납액 ₩14,520 납부 및 조정 ₩0 당월 청구액 ₩45,970 납부하실 금액 ₩60,490",
        "공급가액 ₩41,822 · 부가세 ₩4,153 · 절사 -₩5",
    ):
        assert expected in text, expected
    for _, _, _, ko, _, amount, _, _ in LINES:
        assert ko in text, ko
        assert f"₩{int(amount):,}".replace("₩-", "-₩") in text, amount


def test_lines_are_grouped_and_each_discount_sits_under_the_line_it_discounts():
    text = _text(render_html(statement(), OPERATOR))
    order = [
        "월정액",
        "스탠다드 방송",
        "반값 3개월",
        "인터넷 (일할 13/31일)",
        "약정 할인",
        "일회성 요금",
        "설치비",
        "설치비 면제",
        "사용 요금",
        "영화 VOD: 기생충",
        "유료 이벤트(PPV): UFC 300",
        "이전 청구 정정",
        "영화 VOD: 파묘 (지연 청구)",
        "할인 및 조정",
        "고객 보상",
        "연체 가산금",
        "부가가치세 10%",
        "10원 미만 절사",
    ]
    details = text[text.index("상세 내역") :]
    positions = [details.index(label) for label in order]
    assert positions == sorted(positions)


def test_usage_promotions_and_the_overdue_box():
    html = render_html(statement(), OPERATOR)
    text = _text(html)
    # 123.4 GB of 500: a bar a quarter full (24.68%, rounded)
    assert "데이터 사용량: 기본 제공 500 GB 중 123.4 GB" in text
    assert 'style="width: 25%"' in html
    assert "VOD·PPV 구매 영화 VOD: 기생충 · ₩3,300 유료 이벤트(PPV): UFC 300 · ₩22,000" in text
    # HALF3 ends on Dec 15 (exclusive): its last day is Dec 14
    assert "반값 3개월 · 2026년 12월 14일까지" in text
    assert "결합 할인 · 해지 시까지" in text
    assert "미납 요금이 있습니다 2026년 10월 23일 납부 기한이 지난 미납 요금 ₩14,520이" in text
    assert "미납 요금이 있습니다" not in render_html(statement(overdue=False), OPERATOR)


def test_english_statement_uses_english_words_and_dates():
    text = _text(render_html(statement(language="en"), OPERATOR))
    for expected in (
        "Your bill",
        "Service period Oct 1, 2026 ~ Oct 31, 2026",
        "Due Nov 23, 2026",
        "Amount due ₩60,490",
        "Internet (prorated 13/31 days)",
        "Data used: 123.4 GB of 500 GB included",
        "Half price for 3 months",
        "결합 할인 · until cancelled",
        "₩14,520 was due on Oct 23, 2026",
    ):
        assert expected in text, expected
    assert "요금 청구서" not in text


def test_only_the_last_four_digits_of_a_card_are_shown():
    html = render_html(statement(), OPERATOR)
    assert "신용카드 · **** **** **** 1111" in _text(html)
    assert not PAN_LIKE.search(html)
    assert "56200000000001" not in html  # the virtual account is not the card holder's


def test_virtual_account_customers_see_where_to_pay():
    text = _text(render_html(statement(method="virtual_account"), OPERATOR))
    assert "가상계좌 · 입금 계좌 우리은행 56200000000001" in text
    assert "1111" not in text


def test_an_auto_debit_shows_its_debit_day_and_giro_its_deadline():
    auto = _text(render_html(statement(method="auto_debit"), OPERATOR))
    assert "자동이체 · 출금 예정일 2026년 11월 23일" in auto
    giro = _text(render_html(statement(method="giro"), OPERATOR))
    assert "지로 · 2026년 11월 23일까지 지로로 납부해 주세요" in giro


def test_every_page_names_the_operator_its_registration_number_and_contact():
    text = _text(render_html(statement(), OPERATOR))
    assert (
        "케이블빌 방송 · 사업자등록번호 220-81-03560 · 서울특별시 중구 세종대로 110 · "
        "고객센터 1588-0000 · etax@cablebill.example"
    ) in text


def test_a_preview_says_it_is_not_final():
    assert "미리보기 (확정 전)" in render_html(statement(status="draft"), OPERATOR)
    assert "미리보기" not in render_html(statement(), OPERATOR)


def test_text_from_the_feeds_is_escaped_and_nothing_is_fetched():
    html = render_html(statement(name="<script>alert(1)</script>"), OPERATOR)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert not re.search(r"(src|href)=|url\(|@import|https?:", html)


def test_an_account_in_credit_is_told_so_not_asked_to_pay():
    paid_ahead = statement(overdue=False)
    paid_ahead.invoice.update(
        payments_and_credits=Decimal("80000.00"), amount_due=Decimal("-19510.00")
    )
    text = _text(render_html(paid_ahead, OPERATOR))
    assert "남은 금액 (다음 청구에서 차감) -₩19,510" in text
    assert "납부하실 금액" not in text

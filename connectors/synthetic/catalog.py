"""The demo operator's catalog and promotions: a Korean cable operator's product range."""

from __future__ import annotations

import json
from datetime import date, timedelta

CATALOG_START = date(2024, 1, 1)
GL = {"tv": "410100", "premium": "410200", "internet": "410300", "phone": "410400",
      "equipment": "410500", "fees": "410600", "vod": "410700", "ppv": "410800",
      "licence": "410900", "security": "411000"}

_TIERS = json.dumps([{"up_to_gb": 100, "price_per_gb": 110}, {"up_to_gb": None,
                                                               "price_per_gb": 55}])

# code, name_ko, name_en, product_type, charge_type, price, tax, gl, vod views, allowance GB
PRODUCTS = (
    ("BASE-ECO", "이코노미 방송", "Economy TV", "base_package", "monthly", 9900, "standard", "tv", 0, None),
    ("BASE-STD", "스탠다드 방송", "Standard TV", "base_package", "monthly", 13200, "standard", "tv", 2, None),
    ("BASE-PREM", "프리미엄 방송", "Premium TV", "base_package", "monthly", 16500, "standard", "tv", 5, None),
    ("PREM-MOVIE", "영화 플러스", "Movie Plus", "premium_channel", "monthly", 5500, "standard", "premium", 0, None),
    ("PREM-SPORTS", "스포츠 팩", "Sports Pack", "premium_channel", "monthly", 4400, "standard", "premium", 0, None),
    ("PREM-KIDS", "키즈 팩", "Kids Pack", "premium_channel", "monthly", 3300, "standard", "premium", 0, None),
    ("ADD-DVR", "녹화 서비스", "Cloud DVR", "addon", "monthly", 2200, "standard", "tv", 0, None),
    ("ADD-LICENCE", "방송 수신료", "TV licence fee", "addon", "monthly", 2500, "exempt", "licence", 0, None),
    ("NET-100M", "인터넷 100M", "Internet 100M", "internet", "monthly", 22000, "standard", "internet", 0, 500),
    ("NET-500M", "인터넷 500M", "Internet 500M", "internet", "monthly", 27500, "standard", "internet", 0, 1000),
    ("NET-1G", "인터넷 1G", "Internet 1G", "internet", "monthly", 33000, "standard", "internet", 0, 2000),
    ("NET-SECURE", "인터넷 보안 연간", "Internet security (annual)", "addon", "annual", 33000, "standard", "security", 0, None),
    ("PHONE-VOIP", "인터넷 전화", "Internet phone", "phone", "monthly", 1100, "standard", "phone", 0, None),
    ("RENT-STB", "셋톱박스 임대", "Set-top box rental", "equipment", "monthly", 2200, "standard", "equipment", 0, None),
    ("RENT-STB-UHD", "UHD 셋톱박스 임대", "UHD set-top box rental", "equipment", "monthly", 3300, "standard", "equipment", 0, None),
    ("RENT-MODEM", "모뎀 임대", "Modem rental", "equipment", "monthly", 1100, "standard", "equipment", 0, None),
    ("RENT-WIFI", "와이파이 공유기 임대", "Wi-Fi router rental", "equipment", "monthly", 1650, "standard", "equipment", 0, None),
    ("FEE-INSTALL", "신규 설치비", "Installation", "one_time_fee", "one_time", 22000, "standard", "fees", 0, None),
    ("FEE-STB-ADD", "셋톱박스 추가 설치비", "Extra set-top box installation", "one_time_fee", "one_time", 11000, "standard", "fees", 0, None),
    ("FEE-REPLACE", "장비 교체비", "Device replacement", "one_time_fee", "one_time", 16500, "standard", "fees", 0, None),
    ("VOD", "주문형 비디오", "Video on demand", "vod", "usage", 0, "standard", "vod", 0, None),
    ("PPV", "유료 이벤트", "Pay-per-view", "ppv", "usage", 0, "standard", "ppv", 0, None),
)

PRICES = {p[0]: p[5] for p in PRODUCTS}  # each product's price, won
TV_BASES = ("BASE-ECO", "BASE-STD", "BASE-PREM")
PREMIUMS = ("PREM-MOVIE", "PREM-SPORTS", "PREM-KIDS")
INTERNET = ("NET-100M", "NET-500M", "NET-1G")


def products(period_start: date) -> list[dict]:
    """Catalog rows valid over the demo's history, with one price change.

    BASE-STD rises from 12,100 to 13,200 in the middle of the billed period: the
    old price still applies to that period (price in effect on its first day).
    """
    rows = []
    for code, ko, en, ptype, ctype, price, tax, gl, views, allowance in PRODUCTS:
        row = {"product_code": code, "name_ko": ko, "name_en": en, "product_type": ptype,
               "charge_type": ctype, "price": price, "currency": "KRW", "tax_category": tax,
               "gl_revenue_account": GL[gl], "included_vod_views": views or None,
               "data_allowance_gb": allowance, "valid_from": CATALOG_START}
        if ptype == "internet":
            row |= {"overage_tiers": _TIERS, "overage_cap": 11000}
        if code == "BASE-STD":
            change = period_start + timedelta(days=14)
            rows.append(row | {"price": 12100, "valid_to": change})
            row = row | {"valid_from": change}
        rows.append(row)
    return rows


def promotions(period_start: date) -> list[dict]:
    campaign_to = period_start + timedelta(days=180)
    return [
        {"promo_code": "WELCOME-MOVIE", "name": "영화 플러스 한 달 무료", "kind": "free_trial",
         "value": 0, "applies_to": "PREM-MOVIE", "duration_days": 30, "priority": 10,
         "campaign_from": CATALOG_START, "campaign_to": campaign_to},
        {"promo_code": "NET-HALF", "name": "인터넷 6개월 50% 할인", "kind": "percent_off",
         "value": 50, "applies_to": "type:internet", "duration_months": 6, "priority": 20,
         "campaign_from": CATALOG_START, "campaign_to": campaign_to},
        {"promo_code": "STB-1100", "name": "셋톱박스 1,100원 할인", "kind": "amount_off",
         "value": 1100, "applies_to": "RENT-STB;RENT-STB-UHD", "duration_months": 12,
         "priority": 30},
        {"promo_code": "INSTALL-FREE", "name": "인터넷 가입 설치비 면제", "kind": "fee_waiver",
         "value": 100, "applies_to": "FEE-INSTALL", "requires": "type:internet",
         "priority": 40},
        {"promo_code": "TV-NET-BUNDLE", "name": "방송+인터넷 결합 할인", "kind": "bundle",
         "value": 3300, "requires": "BASE-STD;NET-500M", "priority": 50},
    ]


# The VOD library: titles read like a catalogue's, the newest releases priced premium.
_TITLE_FIRST = ("한밤의", "마지막", "푸른", "잃어버린", "서울의", "겨울", "비밀의", "붉은",
                "조용한", "먼", "작은", "위대한", "바람의", "검은", "낯선", "오래된", "뜨거운",
                "눈부신", "기묘한", "돌아온")
_TITLE_SECOND = ("약속", "여름", "기억", "도시", "바다", "추적자", "정원", "편지", "항해",
                 "탐정", "친구들", "왕국", "열차", "거리", "시간", "노래", "섬", "사냥꾼",
                 "가족", "수업")
VOD_TITLES = len(_TITLE_FIRST) * len(_TITLE_SECOND) * 2
NEW_RELEASES = 60  # the first titles of the library


def vod_title(number: int) -> tuple[str, str]:
    """Title `number` of the library (0 .. VOD_TITLES - 1): its id and its name; the
    second half are sequels of the first."""
    base = number % (len(_TITLE_FIRST) * len(_TITLE_SECOND))
    first, second = divmod(base, len(_TITLE_SECOND))
    name = f"{_TITLE_FIRST[first]} {_TITLE_SECOND[second]}"
    return f"T{number:05d}", name if number == base else f"{name} 2"

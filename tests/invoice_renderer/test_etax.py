"""E-tax invoices: the KEC elements of both parties, the document's type, date and
amendment, the taxable totals, and validated registration numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from invoice_renderer.etax import NAMESPACE, Party, TaxInvoice, render_xml

SUPPLIER = Party(
    "220-81-03560",
    "케이블빌 방송",
    "대표이사",
    "정보통신업",
    "유선방송 및 인터넷 접속 서비스",
    "etax@cablebill.example",
    "서울특별시 중구 세종대로 110",
)
BUYER = Party(
    "1208147521", "(주)한빛상사", "김대표", "도소매", "사무용품", "tax@hanbit.example", "서울 중구"
)
NS = {"t": NAMESPACE}
SETTLEMENT = "t:TaxInvoiceTradeSettlement"


def _invoice(**overrides) -> TaxInvoice:
    fields = {
        "document_id": "INV-2026-00000001",
        "type_code": "0101",
        "amendment_code": None,
        "original_document_id": None,
        "issue_date": date(2026, 11, 1),
        "period_start": date(2026, 10, 1),
        "period_last_day": date(2026, 10, 31),
        "buyer": BUYER,
        "supply": Decimal("24732.00"),
        "vat": Decimal("2473.00"),
        "total": Decimal("27205.00"),
    } | overrides
    return TaxInvoice(**fields)


def _text(root: ET.Element, path: str) -> str | None:
    element = root.find(path, NS)
    return None if element is None else element.text


def test_the_document_names_both_parties_and_the_taxable_totals():
    root = ET.fromstring(render_xml(_invoice(), SUPPLIER))
    assert _text(root, "t:ExchangedDocument/t:IssueDateTime") == "20261101000000"
    assert _text(root, "t:TaxInvoiceDocument/t:IssueID") == "INV-2026-00000001"
    assert _text(root, "t:TaxInvoiceDocument/t:TypeCode") == "0101"
    assert _text(root, "t:TaxInvoiceDocument/t:IssueDateTime") == "20261101"
    assert _text(root, "t:TaxInvoiceDocument/t:PurposeCode") == "02"
    assert _text(root, "t:TaxInvoiceDocument/t:AmendmentStatusCode") is None
    for party, expected in (("InvoicerParty", SUPPLIER), ("InvoiceeParty", BUYER)):
        element = f"{SETTLEMENT}/t:{party}"
        assert _text(root, f"{element}/t:ID") == expected.business_reg_no.replace("-", "")
        assert _text(root, f"{element}/t:NameText") == expected.name
        assert _text(root, f"{element}/t:TypeCode") == expected.business_type
        assert _text(root, f"{element}/t:ClassificationCode") == expected.business_item
        assert _text(root, f"{element}/t:SpecifiedPerson/t:NameText") == expected.representative
        assert _text(root, f"{element}/t:DefinedContact/t:URICommunication") == expected.email
        assert _text(root, f"{element}/t:SpecifiedAddress/t:LineOneText") == expected.address
    summation = f"{SETTLEMENT}/t:SpecifiedMonetarySummation"
    assert _text(root, f"{summation}/t:ChargeTotalAmount") == "24732"
    assert _text(root, f"{summation}/t:TaxTotalAmount") == "2473"
    assert _text(root, f"{summation}/t:GrandTotalAmount") == "27205"
    assert _text(root, "t:TaxInvoiceTradeLineItem/t:NameText").endswith("2026-10-01~2026-10-31")


def test_an_amended_document_refers_to_the_one_it_amends_with_negative_amounts():
    """A credit note of 1,000 + 100 VAT on INV-2026-00000001 (supply changed: 02)."""
    amended = _invoice(
        document_id="CN-2026-00000001",
        type_code="0201",
        amendment_code="02",
        original_document_id="INV-2026-00000001",
        issue_date=date(2026, 12, 1),
        supply=Decimal("-1000.00"),
        vat=Decimal("-100.00"),
        total=Decimal("-1100.00"),
    )
    root = ET.fromstring(render_xml(amended, SUPPLIER))
    assert _text(root, "t:TaxInvoiceDocument/t:TypeCode") == "0201"
    assert _text(root, "t:TaxInvoiceDocument/t:AmendmentStatusCode") == "02"
    assert _text(root, "t:TaxInvoiceDocument/t:OriginalIssueID") == "INV-2026-00000001"
    assert _text(root, "t:ExchangedDocument/t:IssueDateTime") == "20261201000000"
    summation = f"{SETTLEMENT}/t:SpecifiedMonetarySummation"
    assert _text(root, f"{summation}/t:GrandTotalAmount") == "-1100"


def test_what_the_buyer_left_empty_is_left_out():
    buyer = replace(BUYER, email=None, business_type=None, business_item=None, address=None)
    root = ET.fromstring(render_xml(_invoice(buyer=buyer), SUPPLIER))
    invoicee = f"{SETTLEMENT}/t:InvoiceeParty"
    assert root.find(f"{invoicee}/t:DefinedContact", NS) is None
    assert root.find(f"{invoicee}/t:TypeCode", NS) is None
    assert _text(root, f"{invoicee}/t:BusinessTypeCode") == "01"


@pytest.mark.parametrize("number", ["1208147520", "12081475", "", "000-00-00000"])
def test_an_invalid_registration_number_stops_the_document_and_names_it(number):
    with pytest.raises(ValueError, match=r"INV-2026-00000001.*buyer"):
        render_xml(_invoice(buyer=replace(BUYER, business_reg_no=number)), SUPPLIER)

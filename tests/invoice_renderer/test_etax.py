"""E-tax invoices: business invoices only, taxable supply, validated registration numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from invoice_renderer.etax import NAMESPACE, Supplier, TaxInvoice, render_xml

SUPPLIER = Supplier("220-81-03560", "케이블빌 방송", "대표이사")
NS = {"t": NAMESPACE}


def _invoice(**overrides) -> TaxInvoice:
    fields = {
        "invoice_no": "INV-2026-00000001",
        "issue_date": date(2026, 11, 1),
        "period_start": date(2026, 10, 1),
        "period_last_day": date(2026, 10, 31),
        "buyer_reg_no": "1208147521",
        "buyer_name": "(주)한빛상사",
        "standard_supply": Decimal("24732.00"),
        "supply": Decimal("24732.00"),
        "vat": Decimal("2473.00"),
        "total": Decimal("27205.00"),
    } | overrides
    return TaxInvoice(**fields)


def _text(root: ET.Element, path: str) -> str:
    return root.find(path, NS).text


def test_the_document_names_both_parties_and_the_taxable_totals():
    root = ET.fromstring(render_xml(_invoice(), SUPPLIER))
    assert _text(root, "t:TaxInvoiceDocument/t:IssueID") == "INV-2026-00000001"
    assert _text(root, "t:TaxInvoiceDocument/t:TypeCode") == "0101"
    assert _text(root, "t:TaxInvoiceDocument/t:IssueDateTime") == "20261101"
    settlement = "t:TaxInvoiceTradeSettlement"
    assert _text(root, f"{settlement}/t:InvoicerParty/t:ID") == "2208103560"
    assert _text(root, f"{settlement}/t:InvoiceeParty/t:ID") == "1208147521"
    assert _text(root, f"{settlement}/t:InvoiceeParty/t:NameText") == "(주)한빛상사"
    summation = f"{settlement}/t:SpecifiedMonetarySummation"
    assert _text(root, f"{summation}/t:ChargeTotalAmount") == "24732"
    assert _text(root, f"{summation}/t:TaxTotalAmount") == "2473"
    assert _text(root, f"{summation}/t:GrandTotalAmount") == "27205"
    assert _text(root, "t:TaxInvoiceTradeLineItem/t:NameText").endswith("2026-10-01~2026-10-31")


def test_a_zero_rated_supply_is_a_zero_rated_tax_invoice():
    invoice = _invoice(
        standard_supply=Decimal(0), supply=Decimal("50000"), vat=Decimal(0), total=Decimal("50000")
    )
    root = ET.fromstring(render_xml(invoice, SUPPLIER))
    assert _text(root, "t:TaxInvoiceDocument/t:TypeCode") == "0102"


@pytest.mark.parametrize("number", ["1208147520", "12081475", "", "000-00-00000"])
def test_an_invalid_registration_number_stops_the_document_and_names_the_invoice(number):
    with pytest.raises(ValueError, match=r"INV-2026-00000001.*buyer"):
        render_xml(_invoice(buyer_reg_no=number), SUPPLIER)

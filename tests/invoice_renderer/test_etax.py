"""E-tax invoices: business invoices only, taxable supply, validated registration numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from invoice_renderer.etax import NAMESPACE, Supplier, TaxInvoice, render_xml, tax_invoices

SUPPLIER = Supplier("220-81-03560", "케이블빌 방송", "대표이사")
NS = {"t": NAMESPACE}


def _invoice(**overrides) -> TaxInvoice:
    fields = {
        "invoice_no": "INV-2026-00000001",
        "issue_date": date(2026, 11, 1),
        "period_start": date(2026, 10, 1),
        "period_end": date(2026, 11, 1),
        "buyer_reg_no": "1208147521",
        "buyer_name": "(주)한빛상사",
        "standard_supply": Decimal("24732.00"),
        "zero_rated_supply": Decimal("0.00"),
        "vat": Decimal("2473.00"),
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
        standard_supply=Decimal(0), zero_rated_supply=Decimal("50000"), vat=Decimal(0)
    )
    root = ET.fromstring(render_xml(invoice, SUPPLIER))
    assert _text(root, "t:TaxInvoiceDocument/t:TypeCode") == "0102"


@pytest.mark.parametrize("number", ["1208147520", "12081475", "", "000-00-00000"])
def test_an_invalid_registration_number_stops_the_document_and_names_the_invoice(number):
    with pytest.raises(ValueError, match=r"INV-2026-00000001.*buyer"):
        render_xml(_invoice(buyer_reg_no=number), SUPPLIER)


def test_only_business_invoices_with_a_taxable_supply_get_one():
    con = duckdb.connect()
    con.execute("create schema ledger")
    con.execute(
        "create table ledger.invoices as select * from (values "
        "('I1', date '2026-11-01', date '2026-10-01', date '2026-11-01', 2473.00, "
        "date '2026-11-01'), "
        "('I2', date '2026-11-01', date '2026-10-01', date '2026-11-01', 0.00, "
        "date '2026-11-01'), "
        "('I3', date '2026-11-01', date '2026-10-01', date '2026-11-01', 100.00, "
        "date '2026-11-01')) "
        "as t(invoice_no, issue_date, period_start, period_end, vat_amount, cycle_date)"
    )
    con.execute(
        "create table ledger.invoice_accounts as select * from (values "
        "('I1', 'business', '1208147521', '(주)한빛상사'), "
        "('I2', 'business', '1208147521', '(주)한빛상사'), "
        "('I3', 'residential', null, '홍길동')) "
        "as t(invoice_no, customer_type, business_reg_no, name)"
    )
    con.execute(
        "create table ledger.invoice_lines as select * from (values "
        "('I1', 'recurring', 'standard', 24732.00), ('I1', 'recurring', 'exempt', 2500.00), "
        "('I1', 'vat', 'standard', 2473.00), ('I1', 'rounding', null, -5.00), "
        "('I2', 'recurring', 'exempt', 2500.00), ('I3', 'recurring', 'standard', 1000.00)) "
        "as t(invoice_no, line_type, tax_category, amount)"
    )
    found = tax_invoices(con, date(2026, 11, 1))
    # I2 is all VAT-exempt (a 계산서, not a tax invoice); I3 is residential
    assert [(i.invoice_no, i.standard_supply, i.vat) for i in found] == [
        ("I1", Decimal("24732.00"), Decimal("2473.00"))
    ]

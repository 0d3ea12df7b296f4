"""E-tax invoices (전자세금계산서) for business accounts, one XML document per invoice.

The document follows the element names of the Korean standard e-tax invoice
message (KEC "TaxInvoice" schema, as the National Tax Service's e-tax invoice
system receives it): the supplier and the buyer with their business registration
numbers, the taxable supply, the VAT and their total, and one summary item for the
billing period. VAT-exempt supplies (the TV licence fee) belong on a 계산서, not on
a tax invoice, so the supply here is the invoice's standard and zero-rated supply.
Both registration numbers are validated (python-stdnum with the NTS check digit);
an invalid one stops the export and names the invoice.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from connectors.registration import is_valid_brn

NAMESPACE = "urn:kr:or:kec:standard:Tax:ReusableAggregateBusinessInformationEntitySchemaModule:1:0"
TYPE_GENERAL = "0101"  # 일반 세금계산서
TYPE_ZERO_RATED = "0102"  # 영세율 세금계산서
PURPOSE_BILLING = "02"  # 청구


@dataclass(frozen=True)
class Supplier:
    business_reg_no: str
    name: str
    representative: str


@dataclass(frozen=True)
class TaxInvoice:
    invoice_no: str
    issue_date: date
    period_start: date
    period_last_day: date
    buyer_reg_no: str
    buyer_name: str
    standard_supply: Decimal
    supply: Decimal
    vat: Decimal
    total: Decimal


def tax_invoices(con: duckdb.DuckDBPyConnection, cycle_date: date) -> list[TaxInvoice]:
    """The cycle's business invoices with a taxable supply, in invoice order (the
    dbt model exports_tax_invoices)."""
    rows = con.execute(
        "select invoice_no, issue_date, period_start, period_last_day, business_reg_no, name, "
        "standard_supply, supply_amount, vat_amount, total_amount from exports.tax_invoices "
        "where cycle_date = ? order by invoice_no",
        [cycle_date],
    ).fetchall()
    return [TaxInvoice(*row) for row in rows]


def render_xml(invoice: TaxInvoice, supplier: Supplier) -> bytes:
    """The e-tax invoice document; ValueError when a registration number is invalid."""
    for role, number in (("supplier", supplier.business_reg_no), ("buyer", invoice.buyer_reg_no)):
        if not number or not is_valid_brn(number):
            raise ValueError(
                f"e-tax invoice {invoice.invoice_no}: the {role}'s business registration "
                f"number {number!r} is not valid"
            )
    root = ET.Element("TaxInvoice", xmlns=NAMESPACE)
    _sub(ET.SubElement(root, "ExchangedDocument"), "IssueDateTime", _ymd(invoice.issue_date))
    document = ET.SubElement(root, "TaxInvoiceDocument")
    _sub(document, "IssueID", invoice.invoice_no)
    _sub(document, "TypeCode", TYPE_GENERAL if invoice.standard_supply else TYPE_ZERO_RATED)
    _sub(document, "IssueDateTime", _ymd(invoice.issue_date))
    _sub(document, "PurposeCode", PURPOSE_BILLING)
    settlement = ET.SubElement(root, "TaxInvoiceTradeSettlement")
    invoicer = ET.SubElement(settlement, "InvoicerParty")
    _sub(invoicer, "ID", _digits(supplier.business_reg_no))
    _sub(invoicer, "NameText", supplier.name)
    _sub(ET.SubElement(invoicer, "SpecifiedPerson"), "NameText", supplier.representative)
    invoicee = ET.SubElement(settlement, "InvoiceeParty")
    _sub(invoicee, "ID", _digits(invoice.buyer_reg_no))
    _sub(invoicee, "NameText", invoice.buyer_name)
    summation = ET.SubElement(settlement, "SpecifiedMonetarySummation")
    _sub(summation, "ChargeTotalAmount", _amount(invoice.supply))
    _sub(summation, "TaxTotalAmount", _amount(invoice.vat))
    _sub(summation, "GrandTotalAmount", _amount(invoice.total))
    item = ET.SubElement(root, "TaxInvoiceTradeLineItem")
    _sub(item, "SequenceNumeric", "1")
    _sub(item, "PurchaseExpiryDateTime", _ymd(invoice.issue_date))
    _sub(
        item,
        "NameText",
        f"방송통신 서비스 이용료 {invoice.period_start.isoformat()}"
        f"~{invoice.period_last_day.isoformat()}",
    )
    _sub(item, "InvoiceAmount", _amount(invoice.supply))
    _sub(ET.SubElement(item, "TotalTax"), "CalculatedAmount", _amount(invoice.vat))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_tax_invoices(
    con: duckdb.DuckDBPyConnection, cycle_date: date, out_dir: Path, supplier: Supplier
) -> int:
    """Write `<invoice_no>.xml` for each business invoice of the cycle; returns how many."""
    out_dir.mkdir(parents=True, exist_ok=True)
    invoices = tax_invoices(con, cycle_date)
    for invoice in invoices:
        path = out_dir / f"{invoice.invoice_no}.xml"
        tmp = path.with_suffix(".xml.tmp")
        tmp.write_bytes(render_xml(invoice, supplier))
        os.replace(tmp, path)
    return len(invoices)


def _sub(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _amount(value: Decimal) -> str:
    return str(value.quantize(Decimal(1)) if value == value.to_integral() else value)

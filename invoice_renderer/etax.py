"""E-tax invoices (전자세금계산서) for business accounts, one XML document each.

The document follows the element names of the Korean standard e-tax invoice
message (KEC "TaxInvoice" schema, as the National Tax Service's e-tax invoice
system receives it): the message's 14-digit timestamp, the document's id, type,
date and purpose (and, amended, why and which document it amends), the supplier and
the buyer with their business registration numbers, representatives, business
types and items (업태, 종목), e-mail and address, the supply, the VAT and their
total, and one summary item for the billing period. Which documents a cycle has is
the dbt model exports_tax_invoices: a general and a zero-rated document per
business invoice with such a supply, an amended one per credit note. VAT-exempt
supplies (the TV licence fee) belong on a 계산서, not on a tax invoice. Both
registration numbers are validated (python-stdnum with the NTS check digit); an
invalid one stops the export and names the document.

The message timestamp is the document's date at 00:00:00: writing the documents
again, or on another engine, gives the same bytes.
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
PURPOSE_BILLING = "02"  # 청구
BUYER_IS_A_BUSINESS = "01"  # the buyer is identified by its business registration number


@dataclass(frozen=True)
class Party:
    """A supplier or a buyer as a tax invoice names it."""

    business_reg_no: str
    name: str
    representative: str
    business_type: str | None = None
    business_item: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class TaxInvoice:
    """One document, as the model exports_tax_invoices gives it."""

    document_id: str
    type_code: str
    amendment_code: str | None
    original_document_id: str | None
    issue_date: date
    period_start: date
    period_last_day: date
    buyer: Party
    supply: Decimal
    vat: Decimal
    total: Decimal


def tax_invoices(con: duckdb.DuckDBPyConnection, cycle_date: date) -> list[TaxInvoice]:
    """The documents the cycle's close issued, in document order."""
    rows = con.execute(
        "select document_id, type_code, amendment_code, original_document_id, issue_date, "
        "period_start, period_last_day, business_reg_no, name, representative_name, "
        "business_type, business_item, email, address, supply_amount, vat_amount, "
        "total_amount from exports.tax_invoices where cycle_date = ? order by document_id",
        [cycle_date],
    ).fetchall()
    return [TaxInvoice(*row[:7], Party(*row[7:14]), *row[14:]) for row in rows]


def render_xml(invoice: TaxInvoice, supplier: Party) -> bytes:
    """The e-tax invoice document; ValueError when a registration number is invalid."""
    for role, party in (("supplier", supplier), ("buyer", invoice.buyer)):
        if not party.business_reg_no or not is_valid_brn(party.business_reg_no):
            raise ValueError(
                f"e-tax invoice {invoice.document_id}: the {role}'s business registration "
                f"number {party.business_reg_no!r} is not valid"
            )
    root = ET.Element("TaxInvoice", xmlns=NAMESPACE)
    exchanged = ET.SubElement(root, "ExchangedDocument")
    _sub(exchanged, "IssueDateTime", _ymd(invoice.issue_date) + "000000")
    document = ET.SubElement(root, "TaxInvoiceDocument")
    _sub(document, "IssueID", invoice.document_id)
    _sub(document, "TypeCode", invoice.type_code)
    _sub(document, "IssueDateTime", _ymd(invoice.issue_date))
    _sub(document, "PurposeCode", PURPOSE_BILLING)
    _sub(document, "AmendmentStatusCode", invoice.amendment_code)
    _sub(document, "OriginalIssueID", invoice.original_document_id)
    settlement = ET.SubElement(root, "TaxInvoiceTradeSettlement")
    _party(ET.SubElement(settlement, "InvoicerParty"), supplier)
    invoicee = ET.SubElement(settlement, "InvoiceeParty")
    _party(invoicee, invoice.buyer)
    _sub(invoicee, "BusinessTypeCode", BUYER_IS_A_BUSINESS)
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


def _party(element: ET.Element, party: Party) -> None:
    """A party's identity, business, representative, contact and address; what the
    feed or settings leave empty is left out."""
    _sub(element, "ID", _digits(party.business_reg_no))
    _sub(element, "TypeCode", party.business_type)
    _sub(element, "NameText", party.name)
    _sub(element, "ClassificationCode", party.business_item)
    if party.representative:
        _sub(ET.SubElement(element, "SpecifiedPerson"), "NameText", party.representative)
    if party.email:
        _sub(ET.SubElement(element, "DefinedContact"), "URICommunication", party.email)
    if party.address:
        _sub(ET.SubElement(element, "SpecifiedAddress"), "LineOneText", party.address)


def write_tax_invoices(
    con: duckdb.DuckDBPyConnection, cycle_date: date, out_dir: Path, supplier: Party
) -> int:
    """Write `<document_id>.xml` for each document of the cycle; returns how many."""
    out_dir.mkdir(parents=True, exist_ok=True)
    invoices = tax_invoices(con, cycle_date)
    for invoice in invoices:
        path = out_dir / f"{invoice.document_id}.xml"
        tmp = path.with_suffix(".xml.tmp")
        tmp.write_bytes(render_xml(invoice, supplier))
        os.replace(tmp, path)
    return len(invoices)


def _sub(parent: ET.Element, tag: str, text: str | None) -> None:
    """A child element holding `text`; none when there is no text."""
    if text:
        ET.SubElement(parent, tag).text = text


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _amount(value: Decimal) -> str:
    return str(value.quantize(Decimal(1)) if value == value.to_integral() else value)

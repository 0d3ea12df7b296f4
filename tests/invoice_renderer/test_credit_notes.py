"""Credit notes: the ledger's lines, their reasons in the reader's language."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

from invoice_renderer.credit_notes import view
from invoice_renderer.pdf import to_pdf
from invoice_renderer.templating import HTML, TYPST
from tests.invoice_renderer.examples import OPERATOR


def _note(language: str) -> dict:
    line = {
        "credit_note_no": "CN-2026-00000001",
        "invoice_no": "INV-2026-00000001",
        "account_id": "A1",
        "name": "Kim",
        "language": language,
        "issue_date": date(2026, 12, 1),
        "currency": "KRW",
    }
    # an outage credit of 1,000 + VAT 100, and a goodwill credit of 500, untaxed
    lines = [
        line | {"reason_code": "service_outage", "supply_amount": Decimal(1000),
                "vat_amount": Decimal(100), "total": Decimal(1100)},
        line | {"reason_code": "goodwill", "supply_amount": Decimal(500),
                "vat_amount": Decimal(0), "total": Decimal(500)},
    ]  # fmt: skip
    return line | {"lines": lines}


def test_a_korean_credit_note_names_the_invoice_each_reason_and_the_total():
    html = HTML.get_template("credit_note.html.j2").render(view(_note("ko"), OPERATOR))
    for text in (
        "감액 내역서",
        "CN-2026-00000001",
        "INV-2026-00000001",
        "2026년 12월 1일",
        "서비스 장애 보상",
        "₩1,100",
        "고객 보상",
        "₩500",
        "₩1,600",
    ):
        assert text in html, text


def test_an_english_credit_note_prints_in_english(tmp_path):
    context = view(_note("en"), OPERATOR)
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(to_pdf(TYPST.get_template("credit_note.typ.j2").render(context)))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for expected in ("Credit note", "Service outage", "Goodwill", "₩1,600", "Dec 1, 2026"):
        assert expected in text, expected

"""Credit notes: one document per credit note a bill run issued, HTML and PDF, in
the language of the account the corrected invoice was issued to."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from invoice_renderer import formatting
from invoice_renderer.labels import CREDIT_NOTE_LABELS, REASONS
from invoice_renderer.parallel import write_file
from invoice_renderer.pdf import to_pdf
from invoice_renderer.templating import HTML, TYPST


def credit_notes(con: duckdb.DuckDBPyConnection, cycle_date: date) -> list[dict]:
    """The cycle's credit notes, each with its lines and the account it credits."""
    result = con.execute(
        """
        select c.*, a.name, a.language
        from ledger.credit_notes as c
        inner join ledger.invoice_accounts as a on c.invoice_no = a.invoice_no
        where c.cycle_date = ?
        order by c.credit_note_no, c.line_no
        """,
        [cycle_date],
    )
    names = [d[0] for d in result.description]
    notes: dict[str, dict] = {}
    for row in result.fetchall():
        line = dict(zip(names, row, strict=True))
        note = notes.setdefault(line["credit_note_no"], {**line, "lines": []})
        note["lines"].append(line)
    return list(notes.values())


def view(note: dict, operator: dict) -> dict:
    """Every text and figure of the credit note, formatted in the account's language;
    the totals are the sums of its lines' figures as the ledger holds them."""
    lang = note["language"] if note["language"] in CREDIT_NOTE_LABELS else "ko"

    def money(value) -> str:
        return formatting.money(value, note["currency"], lang)

    return {
        "lang": lang,
        "t": CREDIT_NOTE_LABELS[lang],
        "operator": operator,
        "credit_note_no": note["credit_note_no"],
        "invoice_no": note["invoice_no"],
        "account": f"{note['account_id']} · {note['name'] or ''}",
        "issue_date": formatting.day(note["issue_date"], lang),
        "issue_day": note["issue_date"],
        "lines": [
            {
                "reason": REASONS[lang].get(line["reason_code"], line["reason_code"]),
                "supply": money(line["supply_amount"]),
                "vat": money(line["vat_amount"]),
                "total": money(line["total"]),
            }
            for line in note["lines"]
        ],
        "total": money(sum(line["total"] for line in note["lines"])),
    }


def write_credit_notes(
    con: duckdb.DuckDBPyConnection, cycle_date: date, out_dir: Path, operator: dict, pdf: bool
) -> int:
    """Write `<credit_note_no>.html` (and `.pdf`) for each credit note; returns how many."""
    out_dir.mkdir(parents=True, exist_ok=True)
    notes = credit_notes(con, cycle_date)
    for note in notes:
        context = view(note, operator)
        stem = out_dir / note["credit_note_no"]
        html = HTML.get_template("credit_note.html.j2").render(context)
        write_file(stem.with_suffix(".html"), html.encode())
        if pdf:
            markup = TYPST.get_template("credit_note.typ.j2").render(context)
            write_file(stem.with_suffix(".pdf"), to_pdf(markup))
    return len(notes)

"""Customer statements: what one closed invoice shows, read from the ledger, laid out
in HTML (e-mail and portal) and Typst markup (print, see `pdf`).

The renderer reads the closed invoices only and never recomputes a total: every
figure on a statement is a figure of `ledger.invoices`, `ledger.invoice_lines` or
`ledger.statement_summaries`, formatted in the account's language. A first invoice
that took in an opening balance (`ledger.opening_balances`) names its previous
system's reference beside the previous balance.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import duckdb

from invoice_renderer import formatting
from invoice_renderer.labels import LABELS, LINE_GROUPS
from invoice_renderer.templating import HTML, TYPST

BATCH = 500
ACCOUNT_COLUMNS = (
    "name",
    "address",
    "customer_type",
    "language",
    "payment_method",
    "card_last4",
    "virtual_account_no",
)
SUMMARY_COLUMNS = ("data_used_bytes", "data_allowance_gb", "overdue_amount", "overdue_since")
# Usage lines whose product code names a title bought (the usage summary lists them).
TITLE_PRODUCTS = ("VOD", "PPV")


@dataclass(frozen=True)
class Statement:
    """One closed invoice with everything its statement shows."""

    invoice: dict
    account: dict
    lines: list[dict]
    summary: dict = field(default_factory=dict)
    promotions: list[dict] = field(default_factory=list)

    @property
    def language(self) -> str:
        return self.account["language"] if self.account["language"] in LABELS else "ko"


def count_statements(con: duckdb.DuckDBPyConnection, cycle_date: date) -> int:
    return con.execute(
        "select count(*) from ledger.invoices where cycle_date = ?", [cycle_date]
    ).fetchone()[0]


def statements(con: duckdb.DuckDBPyConnection, cycle_date: date) -> Iterator[list[Statement]]:
    """The cycle's statements in invoice-number order, in batches of `BATCH`."""
    invoices = con.execute(
        f"""
        select i.*, {", ".join("a." + c for c in ACCOUNT_COLUMNS)},
               {", ".join("s." + c for c in SUMMARY_COLUMNS)}, o.legacy_ref
        from ledger.invoices as i
        inner join ledger.invoice_accounts as a on i.invoice_no = a.invoice_no
        left join ledger.statement_summaries as s on i.invoice_no = s.invoice_no
        left join ledger.opening_balances as o on i.invoice_no = o.invoice_no
        where i.cycle_date = ?
        order by i.invoice_no
        """,
        [cycle_date],
    )
    names = [d[0] for d in invoices.description]
    details = con.cursor()
    while rows := invoices.fetchmany(BATCH):
        batch = [dict(zip(names, row, strict=True)) for row in rows]
        numbers = [record["invoice_no"] for record in batch]
        lines = _by_invoice(
            details,
            "select * from ledger.invoice_lines where cycle_date = ? "
            "and invoice_no in (select unnest(?)) order by invoice_no, line_no",
            [cycle_date, numbers],
        )
        promotions = _by_invoice(
            details,
            "select * from ledger.statement_promotions where cycle_date = ? "
            "and invoice_no in (select unnest(?)) order by invoice_no, ends_on nulls last, name",
            [cycle_date, numbers],
        )
        yield [
            Statement(
                invoice=record,
                account={c: record.pop(c) for c in ACCOUNT_COLUMNS},
                summary={c: record.pop(c) for c in SUMMARY_COLUMNS},
                lines=lines.get(record["invoice_no"], []),
                promotions=promotions.get(record["invoice_no"], []),
            )
            for record in batch
        ]


def _by_invoice(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict[str, list[dict]]:
    result = con.execute(sql, params)
    names = [d[0] for d in result.description]
    grouped: dict[str, list[dict]] = {}
    for row in result.fetchall():
        record = dict(zip(names, row, strict=True))
        grouped.setdefault(record["invoice_no"], []).append(record)
    return grouped


def view(statement: Statement, operator: dict) -> dict:
    """What the statement templates lay out: every text and figure formatted in the
    account's language, lines grouped, each discount under the line it discounts."""
    lang = statement.language
    t = LABELS[lang]
    inv = statement.invoice
    acct = statement.account

    def money(value: Decimal | None) -> str:
        return "" if value is None else formatting.money(value, inv["currency"], lang)

    def line_view(line: dict) -> dict:
        return {
            "text": line["description_ko"] if lang == "ko" else line["description_en"],
            "service": formatting.days(line["service_from"], line["service_to"], lang),
            "amount": money(line["amount"]),
            "children": [],
        }

    by_no = {line["line_no"]: line_view(line) for line in statement.lines}
    top = []
    for line in statement.lines:
        parent = by_no.get(line["discounts_line_no"])
        if parent is not None:
            parent["children"].append(by_no[line["line_no"]])
        else:
            top.append(line)
    groups = []
    for group, types in LINE_GROUPS:
        members = [by_no[line["line_no"]] for line in top if line["line_type"] in types]
        if members:
            groups.append({"label": t[group], "lines": members})
    return {
        "lang": lang,
        "t": t,
        "operator": operator,
        "draft": inv["status"] == "draft",
        "invoice_no": inv["invoice_no"],
        "account": f"{inv['account_id']} · {acct['name'] or ''}",
        "period": formatting.days(inv["period_start"], inv["period_end"], lang),
        "issue_date": formatting.day(inv["issue_date"], lang),
        "issue_day": inv["issue_date"],
        "due_date": formatting.day(inv["due_date"], lang),
        "summary": [
            (
                t["opening_balance"].format(ref=inv["legacy_ref"])
                if inv.get("legacy_ref")
                else t["previous_balance"],
                money(inv["previous_balance"]),
            ),
            (t["payments_and_credits"], money(inv["payments_and_credits"])),
            (t["current_charges"], money(inv["current_charges"])),
        ],
        "amount_due": money(inv["amount_due"]),
        "amount_due_label": t["credit_balance"] if inv["amount_due"] < 0 else t["amount_due"],
        "tax_note": f"{t['supply_amount']} {money(inv['supply_amount'])} · "
        f"{t['vat_amount']} {money(inv['vat_amount'])} · "
        f"{t['rounding']} {money(inv['rounding_amount'])}",
        "groups": groups,
        "titles": [
            line_view(line)
            for line in statement.lines
            if line["product_code"] in TITLE_PRODUCTS
            and line["line_type"] in ("usage", "correction")
        ],
        "data": _data_view(statement.summary, t, lang),
        "promotions": [
            {
                "name": promotion["name"] or promotion["promo_code"],
                "ends": t["until"].format(
                    date=formatting.day(formatting.last_day(promotion["ends_on"]), lang)
                )
                if promotion["ends_on"]
                else t["no_end"],
            }
            for promotion in statement.promotions
        ],
        "overdue": t["overdue_text"].format(
            amount=money(statement.summary["overdue_amount"]),
            date=formatting.day(statement.summary["overdue_since"], lang),
        )
        if statement.summary.get("overdue_amount")
        else None,
        "payment": _payment_view(acct, t, formatting.day(inv["due_date"], lang), operator),
    }


def _data_view(summary: dict, t: dict, lang: str) -> dict | None:
    """Data used against the allowance, with the share of it used (0-100) for a bar."""
    used = summary.get("data_used_bytes")
    if used is None:
        return None
    allowance = summary.get("data_allowance_gb")
    text = t["data_only"].format(used=formatting.gigabytes(used, lang))
    share = None
    if allowance:
        text = t["of_allowance"].format(
            used=formatting.gigabytes(used, lang), allowance=f"{allowance:,}"
        )
        share = min(100, round(100 * used / (allowance * formatting.BYTES_PER_GB)))
    return {"text": text, "share": share}


def _payment_view(acct: dict, t: dict, due: str, operator: dict) -> str:
    """How the account pays: only a card's last four digits, the day an auto-debit is
    taken, the bank and account to pay into, or the giro deadline."""
    method = acct["payment_method"]
    text = t.get(method, method or "")
    if method in ("card", "easy_pay") and acct["card_last4"]:
        text += f" · {formatting.masked_card(acct['card_last4'])}"
    if method == "auto_debit":
        text += " · " + t["debit_on"].format(date=due)
    if method == "virtual_account" and acct["virtual_account_no"]:
        into = [t["pay_into"], operator.get("virtual_account_bank"), acct["virtual_account_no"]]
        text += " · " + " ".join(part for part in into if part)
    if method == "giro":
        text += " · " + t["giro_by"].format(date=due)
    return text


def render(statement: Statement, operator: dict, typst: bool) -> tuple[str, str | None]:
    """The HTML page and, when `typst`, the Typst markup, from one view."""
    context = view(statement, operator)
    html = HTML.get_template("statement.html.j2").render(context)
    return html, TYPST.get_template("statement.typ.j2").render(context) if typst else None


def render_html(statement: Statement, operator: dict) -> str:
    """A self-contained HTML page (inline styles, no external requests)."""
    return HTML.get_template("statement.html.j2").render(view(statement, operator))


def render_typst(statement: Statement, operator: dict) -> str:
    """Typst markup for the printed statement (`pdf.to_pdf` compiles it)."""
    return TYPST.get_template("statement.typ.j2").render(view(statement, operator))

"""Render one HTML statement per invoice of a cycle, streaming from the warehouse.

The renderer reads the closed invoices only and never recomputes a total: every
figure on a statement is a figure of `ledger.invoices` or `ledger.invoice_lines`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from invoice_renderer import formatting
from invoice_renderer.labels import LABELS, LINE_GROUPS

BATCH = 2_000

TEMPLATES = Environment(
    loader=PackageLoader("invoice_renderer"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters["day"] = formatting.day
TEMPLATES.filters["last_day"] = formatting.last_day


@dataclass(frozen=True)
class Statement:
    invoice: dict
    account: dict
    lines: list[dict]

    @property
    def language(self) -> str:
        return self.account["language"] if self.account["language"] in LABELS else "ko"


def statements(con: duckdb.DuckDBPyConnection, cycle_date: date) -> Iterator[Statement]:
    """The cycle's statements in invoice-number order, fetched in batches."""
    invoices = con.execute(
        """
        select i.*, a.name, a.address, a.customer_type, a.language, a.payment_method,
               a.card_last4, a.virtual_account_no
        from ledger.invoices as i
        inner join ledger.invoice_accounts as a on i.invoice_no = a.invoice_no
        where i.cycle_date = ?
        order by i.invoice_no
    """,
        [cycle_date],
    )
    names = [d[0] for d in invoices.description]
    lines_con = con.cursor()
    while rows := invoices.fetchmany(BATCH):
        batch = [dict(zip(names, row, strict=True)) for row in rows]
        by_invoice: dict[str, list[dict]] = {b["invoice_no"]: [] for b in batch}
        result = lines_con.execute(
            "select * from ledger.invoice_lines where cycle_date = ? and invoice_no in "
            "(select unnest(?)) order by invoice_no, line_no",
            [cycle_date, list(by_invoice)],
        )
        line_names = [d[0] for d in result.description]
        for row in result.fetchall():
            line = dict(zip(line_names, row, strict=True))
            by_invoice[line["invoice_no"]].append(line)
        for record in batch:
            account = {
                k: record.pop(k)
                for k in (
                    "name",
                    "address",
                    "customer_type",
                    "language",
                    "payment_method",
                    "card_last4",
                    "virtual_account_no",
                )
            }
            yield Statement(record, account, by_invoice[record["invoice_no"]])


def render_html(statement: Statement, operator: dict) -> str:
    lang = statement.language
    currency = statement.invoice["currency"]

    def money(value):
        return "" if value is None else formatting.money(value, currency, lang)

    groups = [
        (LABELS[lang][group], [ln for ln in statement.lines if ln["line_type"] in types])
        for group, types in LINE_GROUPS
    ]
    return TEMPLATES.get_template("statement.html.j2").render(
        inv=statement.invoice,
        acct=statement.account,
        lang=lang,
        t=LABELS[lang],
        groups=[g for g in groups if g[1]],
        money=money,
        card=formatting.masked_card(statement.account["card_last4"]),
        operator=operator,
    )


def write_statements(
    con: duckdb.DuckDBPyConnection, cycle_date: date, out_dir: Path, operator: dict
) -> int:
    """Write `<invoice_no>.html` for every invoice of the cycle; returns how many."""
    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for statement in statements(con, cycle_date):
        path = out_dir / f"{statement.invoice['invoice_no']}.html"
        tmp = path.with_suffix(".html.tmp")
        tmp.write_text(render_html(statement, operator), encoding="utf-8")
        os.replace(tmp, path)
        count += 1
    return count

"""Dunning notices: one HTML page per notice a collections day sent, rendered like
statements (Korean unless the account reads English)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb

from invoice_renderer import formatting
from invoice_renderer.labels import NOTICE_LABELS
from invoice_renderer.templating import HTML


def write_notices(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    out_dir: Path,
    operator: dict,
) -> int:
    """Write `<account_id>-<stage>.html` for every notice recorded on `as_of` (the dbt
    view collections.dunning_notices)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    notices = con.execute(
        "select * from collections.dunning_notices where as_of = ? "
        "order by account_id, stage_order",
        [as_of],
    )
    names = [c[0] for c in notices.description]
    rows = [dict(zip(names, row, strict=True)) for row in notices.fetchall()]
    template = HTML.get_template("notice.html.j2")
    for notice in rows:
        unpaid = con.execute(
            "select invoice_no, due_date, open_amount from collections.int_open_items "
            "where account_id = ? and open_amount > 0 and due_date < ? order by due_date",
            [notice["account_id"], as_of],
        )
        columns = [c[0] for c in unpaid.description]
        items = [dict(zip(columns, row, strict=True)) for row in unpaid.fetchall()]
        lang = notice["language"] if notice["language"] in NOTICE_LABELS else "ko"
        html = template.render(
            notice=notice,
            items=items,
            t=NOTICE_LABELS[lang],
            lang=lang,
            operator=operator,
            money=lambda value, c=notice["currency"], lg=lang: formatting.money(value, c, lg),
        )
        path = out_dir / f"{notice['account_id']}-{notice['stage']}.html"
        tmp = path.with_suffix(".html.tmp")
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    return len(rows)

"""Dunning notices: one HTML page per notice a collections day sent, rendered like
statements (Korean unless the account reads English)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import duckdb

from invoice_renderer import formatting
from invoice_renderer.labels import NOTICE_LABELS
from invoice_renderer.templating import HTML

NOTICE_ACTIONS = (
    "send_reminder",
    "send_second_notice",
    "send_suspension_notice",
    "suspend",
    "terminate_and_write_off",
)


def write_notices(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    out_dir: Path,
    operator: dict,
    suspend_after_days: int,
) -> int:
    """Write `<account_id>-<stage>.html` for every notice recorded on `as_of`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    notices = con.execute(
        """
        select d.account_id, d.as_of, d.stage, d.action, d.oldest_due_date,
               d.overdue_amount, a.name, a.language, a.currency, a.virtual_account_no
        from ledger.dunning_actions as d
        inner join staging.stg_cms__accounts as a on d.account_id = a.account_id
        where d.as_of = ? and list_contains(?, d.action)
        order by d.account_id, d.stage_order
        """,
        [as_of, list(NOTICE_ACTIONS)],
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
        notice["suspend_on"] = notice["oldest_due_date"] + timedelta(days=suspend_after_days)
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

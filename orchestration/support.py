"""What a support agent reads about an account: the views of models/support, by
account id (bound, never pasted into the SQL)."""

from __future__ import annotations

import duckdb

SUPPORT_VIEWS = {
    "account_overview": ("support", "account_overview"),
    "account_timeline": ("support", "account_timeline"),
    "ticket_trail": ("support", "ticket_trail"),
}


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """The rows `sql` (with bound `params`) returns, each a dict by column name."""
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def overview(con: duckdb.DuckDBPyConnection, account_id: str) -> dict | None:
    """The account's overview row, None if there is no such account."""
    found = rows(con, "select * from support.account_overview where account_id = ?", [account_id])
    return found[0] if found else None


def timeline(con: duckdb.DuckDBPyConnection, account_id: str) -> list[dict]:
    """The account's events in time order."""
    return rows(
        con,
        "select * from support.account_timeline where account_id = ? "
        "order by event_date, sequence, reference",
        [account_id],
    )


def ticket_trail(con: duckdb.DuckDBPyConnection, ticket_id: str) -> list[dict]:
    """What a support ticket's adjustments became: document, line and journal."""
    return rows(
        con,
        "select * from support.ticket_trail where ticket_id = ? "
        "order by approved_date, adjustment_id",
        [ticket_id],
    )

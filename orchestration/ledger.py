"""Closing a bill cycle: the gated drafts become the ledger's invoices, once.

Invoice numbers are assigned here, gapless per yearly series
(INV-YYYY-nnnnnnnn, by issue year), in account order. A cycle already closed is
left as it is: re-running it changes nothing and consumes no numbers. Later
corrections appear on later invoices, never by editing these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

SERIES_DIGITS = 8


@dataclass(frozen=True)
class CloseResult:
    cycle_date: date
    newly_closed: bool
    invoices: int
    first_number: str | None
    last_number: str | None


def close_cycle(con: duckdb.DuckDBPyConnection, cycle_date: date) -> CloseResult:
    """Copy the cycle's draft invoices, lines, payments and the account details they
    are issued to into the ledger, numbered."""
    con.begin()
    try:
        closed = con.execute(
            "select count(*), min(invoice_no), max(invoice_no) from ledger.invoices "
            "where cycle_date = ?",
            [cycle_date],
        ).fetchall()[0]
        if closed[0]:
            con.rollback()
            return CloseResult(cycle_date, False, *closed)
        con.execute(
            f"""
            create or replace temp table _numbers as
            with drafts as (
                select invoice_no as draft_no, account_id, year(issue_date) as series_year
                from marts.invoices where cycle_date = $cycle
            ),
            used as (
                select year(issue_date) as series_year,
                       max(cast(right(invoice_no, {SERIES_DIGITS}) as bigint)) as last_used
                from ledger.invoices group by 1
            )
            select
                drafts.draft_no,
                'INV-' || drafts.series_year || '-' || lpad(cast(
                    coalesce(used.last_used, 0)
                    + row_number() over (partition by drafts.series_year order by drafts.account_id)
                    as varchar), {SERIES_DIGITS}, '0') as invoice_no
            from drafts left join used on drafts.series_year = used.series_year
            """,
            {"cycle": cycle_date},
        )
        con.execute(
            "insert into ledger.invoices by name select i.* replace (n.invoice_no as invoice_no, "
            "'finalised' as status) from marts.invoices as i "
            "inner join _numbers as n on i.invoice_no = n.draft_no where i.cycle_date = ?",
            [cycle_date],
        )
        for table in ("invoice_lines", "invoice_payments"):
            con.execute(
                f"insert into ledger.{table} by name "
                f"select t.* replace (n.invoice_no as invoice_no) from marts.{table} as t "
                f"inner join _numbers as n on t.invoice_no = n.draft_no "
                f"where t.cycle_date = ?",
                [cycle_date],
            )
        con.execute(
            "insert into ledger.invoice_accounts by name "
            "select n.invoice_no, a.account_id, i.cycle_date, a.name, a.address, "
            "a.customer_type, a.language, a.payment_method, a.card_last4, "
            "a.virtual_account_no, a.business_reg_no from marts.invoices as i "
            "inner join _numbers as n on i.invoice_no = n.draft_no "
            "inner join marts.dim_accounts as a on i.account_id = a.account_id "
            "where i.cycle_date = ?",
            [cycle_date],
        )
        count, first, last = con.execute(
            "select count(*), min(invoice_no), max(invoice_no) from _numbers"
        ).fetchall()[0]
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return CloseResult(cycle_date, True, count, first, last)

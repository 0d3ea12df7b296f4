"""Closing a bill cycle: the gated drafts become the ledger's invoices, once.

Invoice and credit-note numbers are assigned here, gapless per yearly series
(INV-YYYY-nnnnnnnn and CN-YYYY-nnnnnnnn, by issue year), in account order. The
deposits still in suspense and the deliveries the cycle took in are recorded with
it, and so are the gates ops overrode for the run that closed it, with their
reasons; the write-offs its invoices show were recorded by the daily collections. A
cycle already closed is left as it is: re-running it changes nothing and consumes
no numbers. Later corrections appear on later invoices, never by editing these.
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


def close_cycle(
    con: duckdb.DuckDBPyConnection,
    cycle_date: date,
    overrides: dict[str, str] | None = None,
    run_id: str = "",
) -> CloseResult:
    """Copy the cycle's draft invoices (with their lines, payments, what their
    statements show and the account details they are issued to) and credit notes
    into the ledger, numbered, with the cycle's suspense and the gate `overrides`
    ({gate: reason}) of run `run_id`."""
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
        _require_drafts_show_write_offs(con, cycle_date)
        _number(con, cycle_date, "invoices", "invoice_no", "INV", "account_id")
        _number(con, cycle_date, "credit_notes", "credit_note_no", "CN", "account_id, invoice_no")
        con.execute(
            "insert into ledger.invoices by name select i.* replace (n.number as invoice_no, "
            "'finalised' as status) from marts.invoices as i "
            "inner join _invoices_numbers as n on i.invoice_no = n.draft_no "
            "where i.cycle_date = ?",
            [cycle_date],
        )
        for table in (
            "invoice_lines",
            "statement_summaries",
            "statement_promotions",
        ):
            con.execute(
                f"insert into ledger.{table} by name "
                f"select t.* replace (n.number as invoice_no) from marts.{table} as t "
                f"inner join _invoices_numbers as n on t.invoice_no = n.draft_no "
                f"where t.cycle_date = ?",
                [cycle_date],
            )
        # every payment the cycle took in, shown on an invoice or waiting for the next
        con.execute(
            "insert into ledger.invoice_payments by name "
            "select p.* replace (n.number as invoice_no) from marts.invoice_payments as p "
            "left join _invoices_numbers as n on p.invoice_no = n.draft_no "
            "where p.cycle_date = ?",
            [cycle_date],
        )
        con.execute(
            "insert into ledger.credit_notes by name "
            "select c.* replace (n.number as credit_note_no) from marts.credit_notes as c "
            "inner join _credit_notes_numbers as n on c.credit_note_no = n.draft_no "
            "where c.cycle_date = ?",
            [cycle_date],
        )
        con.execute(
            "insert into ledger.suspense_payments by name "
            "select s.*, ?::date as cycle_date from marts.payments_suspense as s "
            "where s.payment_ref not in (select payment_ref from ledger.suspense_payments)",
            [cycle_date],
        )
        con.execute(
            "insert into ledger.closed_deliveries select d.feed, d.delivery_id, ?::date "
            "from ingest.deliveries as d where not exists (select 1 from ledger.closed_deliveries "
            "as c where c.feed = d.feed and c.delivery_id = d.delivery_id)",
            [cycle_date],
        )
        for gate, reason in sorted((overrides or {}).items()):
            con.execute(
                "insert into ledger.gate_overrides values (?, ?, ?, ?, now())",
                [cycle_date, gate, reason, run_id],
            )
        con.execute(
            "insert into ledger.invoice_accounts by name "
            "select n.number as invoice_no, a.account_id, i.cycle_date, a.name, a.address, "
            "a.customer_type, a.language, a.payment_method, a.card_last4, "
            "a.virtual_account_no, a.business_reg_no from marts.invoices as i "
            "inner join _invoices_numbers as n on i.invoice_no = n.draft_no "
            "inner join marts.dim_accounts as a on i.account_id = a.account_id "
            "where i.cycle_date = ?",
            [cycle_date],
        )
        count, first, last = con.execute(
            "select count(*), min(number), max(number) from _invoices_numbers"
        ).fetchall()[0]
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return CloseResult(cycle_date, True, count, first, last)


class DraftsOutdated(RuntimeError):
    """The ledger changed after the cycle's drafts were built."""


def _require_drafts_show_write_offs(con: duckdb.DuckDBPyConnection, cycle_date: date) -> None:
    """Refuse to close drafts built before a write-off they should show was recorded."""
    missing = con.execute(
        "select account_id, written_off_on from ledger.write_offs where cycle_date = $cycle "
        "except select account_id, written_off_on from marts.write_offs where cycle_date = $cycle "
        "order by account_id",
        {"cycle": cycle_date},
    ).fetchall()
    if missing:
        accounts = ", ".join(f"{account} ({day})" for account, day in missing[:5])
        raise DraftsOutdated(
            f"cycle {cycle_date}: {len(missing)} write-off(s) were recorded after the drafts "
            f"were built ({accounts}); run the bill run again to include them"
        )


def _number(
    con: duckdb.DuckDBPyConnection,
    cycle_date: date,
    table: str,
    number_column: str,
    prefix: str,
    order_by: str,
) -> None:
    """Give the cycle's drafts in marts.<table> the next numbers of their yearly
    series (<prefix>-YYYY-nnnnnnnn by issue year), in `order_by` order: the
    temp table _<table>_numbers maps draft_no to number."""
    con.execute(
        f"""
        create or replace temp table _{table}_numbers as
        with drafts as (
            select distinct {number_column} as draft_no, {order_by},
                   year(issue_date) as series_year
            from marts.{table} where cycle_date = $cycle
        ),
        used as (
            select year(issue_date) as series_year,
                   max(cast(right({number_column}, {SERIES_DIGITS}) as bigint)) as last_used
            from ledger.{table} group by 1
        )
        select
            drafts.draft_no,
            '{prefix}-' || drafts.series_year || '-' || lpad(cast(
                coalesce(used.last_used, 0)
                + row_number() over (partition by drafts.series_year order by {order_by})
                as varchar), {SERIES_DIGITS}, '0') as number
        from drafts left join used on drafts.series_year = used.series_year
        """,
        {"cycle": cycle_date},
    )

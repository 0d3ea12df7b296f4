"""What the console shows, read from the home's publication (orchestration/publish.py)
and the cycle's exported invoice lines and statements; every value bound, never
pasted into SQL."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.support import rows

# INV-2026-00000001: an invoice number as the close gives it
INVOICE_NO = re.compile(r"INV-\d{4}-\d{8}")
# a phone number as an agent types it: digits, spaces, hyphens, an optional +
PHONE = re.compile(r"\+?[\d\s-]{9,}")


@dataclass(frozen=True)
class Found:
    """A search's result: how the text was read, and the accounts it found."""

    kind: str  # invoice_no, account_id, phone or name
    accounts: list[dict]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def find(con: duckdb.DuckDBPyConnection, text: str) -> Found:
    """The accounts `text` names: an invoice number, an account id, a phone number
    (its digits, however typed) or a name (trimmed, any case)."""
    text = text.strip()
    overview = "select * from account_overview where account_id in ({}) order by account_id"
    if INVOICE_NO.fullmatch(text):
        sql = overview.format("select account_id from invoices where invoice_no = ?")
        return Found("invoice_no", rows(con, sql, [text]))
    by_id = rows(con, overview.format("?"), [text])
    if by_id:
        return Found("account_id", by_id)
    if PHONE.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        sql = overview.format("select account_id from account_search where phone_sha256 = ?")
        return Found("phone", rows(con, sql, [_sha256(digits)]))
    sql = overview.format("select account_id from account_search where name_sha256 = ?")
    return Found("name", rows(con, sql, [_sha256(text.lower())]))


def account(con: duckdb.DuckDBPyConnection, account_id: str) -> dict | None:
    """Everything the account page shows: overview, timeline, invoices (latest
    first) and why the latest bill differs from the one before; None if unknown."""
    found = rows(con, "select * from account_overview where account_id = ?", [account_id])
    if not found:
        return None
    return {
        "overview": found[0],
        "timeline": rows(
            con,
            "select * from account_timeline where account_id = ? "
            "order by event_date desc, sequence desc, reference desc",
            [account_id],
        ),
        "invoices": rows(
            con,
            "select * from invoices where account_id = ? order by issue_date desc, invoice_no desc",
            [account_id],
        ),
        "changes": rows(
            con,
            "select * from bill_changes where account_id = ? "
            "order by abs(difference) desc, line_type, product_code",
            [account_id],
        ),
    }


def invoice_header(con: duckdb.DuckDBPyConnection, invoice_no: str) -> dict | None:
    """The invoice's published header; None if there is no such invoice."""
    if not INVOICE_NO.fullmatch(invoice_no):
        return None
    found = rows(con, "select * from invoices where invoice_no = ?", [invoice_no])
    return found[0] if found else None


def invoice(con: duckdb.DuckDBPyConnection, home: Path, invoice_no: str) -> dict | None:
    """The invoice, its lines (from the cycle's exported invoice_lines) and its
    statements' files; None if there is no such invoice."""
    header = invoice_header(con, invoice_no)
    if header is None:
        return None
    lines_file = home / "exports" / header["cycle_date"].isoformat() / "invoice_lines.parquet"
    lines = rows(
        con,
        "select * from read_parquet(?) where invoice_no = ? order by line_no",
        [str(lines_file), invoice_no],
    )
    return {"invoice": header, "lines": lines, "statements": statements(home, header)}


def statements(home: Path, header: dict) -> dict[str, Path]:
    """The invoice's statement files that exist, by format (html, pdf)."""
    folder = home / "statements" / header["cycle_date"].isoformat()
    found = {kind: folder / f"{header['invoice_no']}.{kind}" for kind in ("html", "pdf")}
    return {kind: file for kind, file in found.items() if file.is_file()}


def usage(con: duckdb.DuckDBPyConnection, account_id: str) -> dict | None:
    """The account's open period as of the last daily run, as the self-care app
    reads it (amounts as exact decimal text); None if unknown or not published."""
    if not con.execute(
        "select count(*) from information_schema.tables where table_name = 'usage_so_far'"
    ).fetchall()[0][0]:
        return None
    found = rows(con, "select * from usage_so_far where account_id = ?", [account_id])
    if not found:
        return None
    row = found[0]
    return {
        "account_id": row["account_id"],
        "as_of": row["as_of"].isoformat(),
        "period": {"start": row["period_start"].isoformat(), "end": row["period_end"].isoformat()},
        "currency": row["currency"],
        "data": {
            "used_bytes": row["data_used_bytes"],
            "allowance_gb": row["data_allowance_gb"],
            "used_pct": None if row["data_used_pct"] is None else str(row["data_used_pct"]),
        },
        "vod_views": {
            "included": row["vod_views_included"],
            "used": row["vod_views_used"],
            "left": row["vod_views_left"],
        },
        "charges_so_far": {
            name: str(row[column])
            for name, column in (
                ("vod", "vod_so_far"),
                ("ppv", "ppv_so_far"),
                ("data_overage", "data_overage_so_far"),
                ("monthly", "monthly_so_far"),
            )
        },
        "projected_charges": str(row["projected_charges"]),
        "projection": "monthly charges whole and usage so far extended over the period; "
        "before discounts, credits and VAT",
    }

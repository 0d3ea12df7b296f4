"""Bill cycles: which dates are cycles, which are registered as partitions, and
why a closed one is not billed again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
from dagster import DagsterInstance

from expectations.gate import GateResult, publish_docs
from expectations.ledger import validate_ledger
from orchestration.partitions import bill_cycles
from orchestration.settings import CablebillHome
from orchestration.views import build_missing

# The ledger gate's rows: the model and its view.
LEDGER_DOCUMENTS = {"quality_ledger_documents": ("quality", "ledger_documents")}


def parse_cycle(key: str) -> date:
    """The cycle a partition key names; ValueError says why it is not one."""
    try:
        cycle = date.fromisoformat(key)
    except ValueError:
        raise ValueError(f"{key!r} is not a bill cycle: cycles are dates, YYYY-MM-DD") from None
    if cycle.day > 28:
        raise ValueError(f"{key} is not a bill cycle: cycle days are 1 to 28")
    return cycle


def previous_cycle(cycle: date) -> date:
    """The same day a month earlier (cycle days are 1-28: it always exists)."""
    return (cycle.replace(day=1) - timedelta(days=1)).replace(day=cycle.day)


def cycle_days_in_use(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The bill-cycle days of the accounts the CMS has delivered."""
    rows = con.execute(
        "select distinct try_cast(bill_cycle_day as integer) as day from raw.accounts "
        "where day between 1 and 28 order by day"
    ).fetchall()
    return [day for (day,) in rows]


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def cycles_in_data(con: duckdb.DuckDBPyConnection, operator_timezone: str) -> list[str]:
    """The bill cycles the delivered data calls for, from the data, not the clock:
    every bill-cycle day of the delivered accounts in every month from the first
    delivery's extraction to the month after the last one's (the cycles to come)."""
    days = cycle_days_in_use(con)
    ((first, last),) = con.execute(
        "select min(cast(timezone($tz, extracted_at) as date)), "
        "max(cast(timezone($tz, extracted_at) as date)) from ingest.deliveries",
        {"tz": operator_timezone},
    ).fetchall()
    if not days or first is None:
        return []
    months, month = [], first.replace(day=1)
    while month <= _next_month(last.replace(day=1)):
        months.append(month)
        month = _next_month(month)
    return [m.replace(day=d).isoformat() for m in months for d in days]


def register_cycles(instance: DagsterInstance, keys: list[str]) -> list[str]:
    """Add the cycles `keys` that are not partitions yet; returns those added."""
    new = [k for k in keys if not instance.has_dynamic_partition(bill_cycles.name, k)]
    if new:
        instance.add_dynamic_partitions(bill_cycles.name, new)
    return new


@dataclass(frozen=True)
class ClosedCycle:
    """A cycle already closed, and what its ledger re-check found."""

    message: str
    ledger: GateResult
    docs_dir: Path | None

    @property
    def blocked(self) -> bool:
        """The closed ledger no longer adds up: someone must look before anything runs."""
        return not self.ledger.success


def closed_invoices(con: duckdb.DuckDBPyConnection, cycle: date) -> tuple[int, str, str] | None:
    """(invoices, first number, last number) of the cycle's finished close, or None
    when it is open: never closed, or its close stopped half-way (the bill run
    finishes it), also on a new warehouse, whose ledger dbt has not created yet."""
    tables = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'ledger'"
        ).fetchall()
    }
    if "closed_cycles" in tables:
        query = (
            "select invoices, first_invoice_no, last_invoice_no from ledger.closed_cycles "
            "where cycle_date = ?"
        )
    elif "invoices" in tables:  # a warehouse from before closed_cycles: a close was whole
        query = (
            "select count(*), min(invoice_no), max(invoice_no) from ledger.invoices "
            "where cycle_date = ? having count(*) > 0"
        )
    else:
        return None
    closed = con.execute(query, [cycle]).fetchall()
    return closed[0] if closed else None


def closed_cycle(
    home: CablebillHome, cycle: date, docs_dir: Path | None = None
) -> ClosedCycle | None:
    """The cycle's closed invoices with the ledger_integrity gate run again over the
    whole ledger (so an invoice edited since its close is still caught), or None when
    the cycle is open (closed_invoices). The gate's rows are a dbt view the close
    builds; a warehouse closed by an older version has it built first, and on Spark,
    where it is a table, it is built again."""
    with home.read_warehouse() as con:
        closed = closed_invoices(con, cycle)
    if closed is None:
        return None
    build_missing(home, LEDGER_DOCUMENTS, refresh=True)
    count, first, last = closed
    with home.read_warehouse() as con:
        ledger = validate_ledger(con, docs_dir)
    if docs_dir is not None:
        publish_docs(docs_dir)
    closed = f"cycle {cycle} is already closed ({count:,} invoices, {first} to {last})"
    if ledger.success:
        message = (
            f"{closed}; nothing was run. A closed cycle is never billed again: corrections "
            "go on the next cycle's invoices or credit notes. To write its exports or "
            "statements again, materialize those assets for this partition. "
            f"Its ledger was checked again: {ledger.describe()}."
        )
    else:
        message = (
            f"BLOCKED by ledger_integrity: {closed}, and the ledger no longer adds up; "
            f"nothing was run. {ledger.describe()}"
        )
    return ClosedCycle(message, ledger, docs_dir)

"""Bill cycles: which dates are cycles, and which are registered as partitions."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
from dagster import DagsterInstance

from orchestration.partitions import bill_cycles


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


def register_cycles(instance: DagsterInstance, days: list[int], today: date) -> list[str]:
    """Add the cycles of this month and the next for each bill-cycle day in use;
    returns the keys added."""
    months = [today.replace(day=1), (today.replace(day=28) + timedelta(days=4)).replace(day=1)]
    keys = sorted({m.replace(day=d).isoformat() for m in months for d in days})
    new = [k for k in keys if not instance.has_dynamic_partition(bill_cycles.name, k)]
    if new:
        instance.add_dynamic_partitions(bill_cycles.name, new)
    return new

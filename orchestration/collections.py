"""What a day of collections recorded: what the daily run sends, it sends once.

The collections models (dbt tag `daily`) say, as of a day, which dunning stages
each account has reached, which commands the headend should have, which payment
retries are due, which balances are written off and which accounts' usage passed
the alert threshold in their open period. The ledger models (`models/ledger`, tag
`recording`) append to the ledger what was never sent before, dated that day: a
day's exports list what it sent, running a day again sends nothing twice, and a
skipped day's actions go out with the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

# The ledger tables the daily run appends to, and the column that dates a row.
RECORDED = (
    ("dunning_actions", "as_of"),
    ("headend_commands", "sent_on"),
    ("payment_retries", "sent_on"),
    ("write_offs", "written_off_on"),
    ("usage_alerts", "sent_on"),
)


@dataclass(frozen=True)
class DayRecorded:
    as_of: date
    dunning_actions: int
    headend_commands: int
    payment_retries: int
    write_offs: int
    usage_alerts: int


def recorded_on(con: duckdb.DuckDBPyConnection, as_of: date) -> DayRecorded:
    """How many dunning actions, headend commands, retries, write-offs and usage
    alerts the ledger holds as sent on `as_of`."""
    counts = [
        con.table(f"ledger.{table}").filter(duckdb.ColumnExpression(column) == as_of).count("*")
        for table, column in RECORDED
    ]
    return DayRecorded(as_of, *(c.fetchall()[0][0] for c in counts))

"""Recording a day of collections: what the daily run sends, it sends once.

The collections models (dbt tag `daily`) say, as of a day, which dunning stages
each account has reached, which commands the headend should have, which payment
retries are due, which balances are written off and which accounts' usage passed
the alert threshold in their open period. Recording copies into the ledger what was never sent
before, dated that day: a day's exports list what it sent, running a day again
sends nothing twice, and a skipped day's actions go out with the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb


@dataclass(frozen=True)
class DayRecorded:
    as_of: date
    dunning_actions: int
    headend_commands: int
    payment_retries: int
    write_offs: int
    usage_alerts: int


def record_day(con: duckdb.DuckDBPyConnection, as_of: date) -> DayRecorded:
    """Record the day's new dunning actions, headend commands, retries, write-offs
    and usage alerts."""
    con.begin()
    try:
        con.execute(
            "insert into ledger.dunning_actions by name "
            "select a.* replace (?::date as as_of) from collections.dunning_actions as a "
            "where not exists (select 1 from ledger.dunning_actions as r where "
            "r.account_id = a.account_id and r.oldest_due_date = a.oldest_due_date "
            "and r.stage = a.stage)",
            [as_of],
        )
        con.execute(
            "insert into ledger.headend_commands by name "
            "select c.*, ?::date as sent_on from collections.headend_commands as c "
            "where c.command_id not in (select command_id from ledger.headend_commands)",
            [as_of],
        )
        con.execute(
            "insert into ledger.payment_retries by name "
            "select r.*, ?::date as sent_on from collections.payment_retries as r "
            "where r.retry_id not in (select retry_id from ledger.payment_retries)",
            [as_of],
        )
        con.execute(
            "insert into ledger.write_offs by name "
            "select w.* exclude (oldest_due_date) from collections.write_offs_due as w "
            "where not exists (select 1 from ledger.write_offs as r where "
            "r.account_id = w.account_id and r.written_off_on = w.written_off_on)"
        )
        con.execute(
            "insert into ledger.usage_alerts by name "
            "select a.*, ?::date as sent_on from collections.usage_alerts as a "
            "where not exists (select 1 from ledger.usage_alerts as r where "
            "r.account_id = a.account_id and r.period_start = a.period_start)",
            [as_of],
        )
        counts = [
            con.execute(
                f"select count(*) from ledger.{table} where {column} = ?", [as_of]
            ).fetchall()[0][0]
            for table, column in (
                ("dunning_actions", "as_of"),
                ("headend_commands", "sent_on"),
                ("payment_retries", "sent_on"),
                ("write_offs", "written_off_on"),
                ("usage_alerts", "sent_on"),
            )
        ]
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return DayRecorded(as_of, *counts)

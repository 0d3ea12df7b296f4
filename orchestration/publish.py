"""What the support console reads, published by the runs that change it.

DuckDB lets one process write a warehouse and no other open it meanwhile, and a
bill run holds it for minutes. So the console never reads the warehouse: each bill
run and each daily collections run ends by copying the support views (models/support)
and the invoices' headers into `<home>/published/console.duckdb`, written under a
temporary name and renamed, so a reader sees the last publication whole until the
next one replaces it. The invoices' lines and statements are read from the files
the bill runs wrote (exports, statements), which a closed cycle never changes.
Each table is sorted by what the console looks it up by.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from connectors.validate import q
from orchestration.settings import CablebillHome
from orchestration.views import build_missing, exists

FILE = Path("published") / "console.duckdb"
# table: (relation, the columns it is sorted by)
TABLES = {
    "account_overview": ("support.account_overview", ("account_id",)),
    "account_timeline": ("support.account_timeline", ("account_id", "event_date", "sequence")),
    "account_search": ("support.account_search", ("account_id",)),
    "bill_changes": ("support.bill_changes", ("account_id", "line_type", "product_code")),
    "invoices": ("ledger.invoices", ("account_id", "issue_date")),
    # built by the daily collections run: absent until the first one
    "usage_so_far": ("collections.usage_so_far", ("account_id",)),
}
# the support views among them, built first where the warehouse lacks one
VIEWS = {
    table: tuple(relation.split("."))
    for table, (relation, _) in TABLES.items()
    if relation.startswith("support.")
}
BATCH_ROWS = 1_000_000


def path(home: Path) -> Path:
    """Where `home`'s publication is."""
    return home / FILE


def publish(home: CablebillHome) -> Path | None:
    """Copy what the console reads from the home's warehouse into its publication,
    replacing the last one whole; the run calling it holds the home. A home that
    bills on Spark has none (the console reads DuckDB homes): None."""
    if home.on_spark:
        return None
    build_missing(home, VIEWS)
    target = path(home.home_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".tmp")
    partial.unlink(missing_ok=True)
    with home.read_warehouse() as source, duckdb.connect(str(partial)) as out:
        for table, (relation, order) in TABLES.items():
            if not exists(source, *relation.split(".")):
                continue
            rows = source.table(relation).order(", ".join(q(c) for c in order))
            out.register("incoming", rows.fetch_record_batch(BATCH_ROWS))
            out.execute(f"create table {q(table)} as select * from incoming")
            out.unregister("incoming")
        out.execute("create index invoices_by_number on invoices (invoice_no)")
        out.execute("checkpoint")
    os.replace(partial, target)
    return target

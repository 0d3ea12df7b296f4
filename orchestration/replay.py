"""Replay a closed cycle (issue 21, for auditors): rebuild its drafts in a scratch copy
of the warehouse from the deliveries the cycle used, and compare them with the closed
invoices line for line.

The drafts of a cycle read the deliveries ingested up to its close (pinned by the
close in `ledger.closed_deliveries`) and, of the ledger, only what cycles before it
closed. The scratch copy drops every delivery a later close took in (or none yet),
and the CMS history versions they added, then builds the drafts as the run did:
the cycle, and the settings its run manifest recorded. The home is not written.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from connectors.contract import ENTITIES
from connectors.validate import q
from connectors.warehouse import INGEST_SCHEMA, raw_table
from orchestration import dbt_runner
from orchestration.dbt_runner import WAREHOUSE_ENV
from orchestration.run_manifest import seed_hashes
from orchestration.settings import warehouse_path

# the drafts' build, as the bill run's drafts step selects it (orchestration/assets/dbt.py)
DRAFTS = ("tag:close", "tag:after_close", "tag:daily", "tag:feed_gates", "tag:support")
HISTORY = ("history.cms_subscriptions", "history.cms_devices")

_LINES = """
select {columns} from {relation} where cycle_date = $cycle
"""
LINE_COLUMNS = (
    "invoice_no",
    "line_no",
    "line_type",
    "product_code",
    "description_ko",
    "description_en",
    "quantity",
    "unit_price",
    "amount",
    "service_from",
    "service_to",
    "source_ref",
    "discounts_line_no",
    "account_id",
    "currency",
    "tax_category",
)


class NotReplayable(Exception):
    """The cycle cannot be replayed (not closed, no run manifest, drafts that do not
    build)."""


@dataclass
class Replay:
    """What a replay found: the lines compared, those closed but not rebuilt and
    those rebuilt but not closed, and what changed since the run (seeds, code)."""

    cycle: str
    run_id: str
    lines: int = 0
    only_closed: list[tuple] = field(default_factory=list)
    only_rebuilt: list[tuple] = field(default_factory=list)
    changed_since: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not (self.only_closed or self.only_rebuilt)


def is_closed(con: duckdb.DuckDBPyConnection, cycle: date) -> bool:
    """Whether a close recorded `cycle`."""
    return bool(
        con.execute(
            "select count(*) from ledger.closed_cycles where cycle_date = ?", [cycle]
        ).fetchall()[0][0]
    )


def closed_manifest(con: duckdb.DuckDBPyConnection, cycle: date) -> dict:
    """The run manifest of closed cycle `cycle`; NotReplayable when the cycle is not
    closed or has none."""
    if not is_closed(con, cycle):
        raise NotReplayable(f"cycle {cycle} is not closed")
    rows = con.execute(
        "select manifest from audit.run_manifests where cycle_date = ? "
        "order by written_at desc, run_id desc limit 1",
        [cycle],
    ).fetchall()
    if not rows:
        raise NotReplayable(f"cycle {cycle} has no run manifest")
    return json.loads(rows[0][0])


def _changed_since(manifest: dict) -> list[str]:
    """The seeds whose files differ from those the run used."""
    now = seed_hashes()
    return sorted(
        f"seed {name}" for name, digest in manifest["seeds"].items() if now.get(name) != digest
    )


def pin(con: duckdb.DuckDBPyConnection, cycle: date) -> None:
    """Drop from the scratch warehouse what the cycle's drafts did not see."""
    pinned = "select delivery_id from ledger.closed_deliveries where feed = ? and cycle_date <= ?"
    for entity in ENTITIES:
        con.execute(
            f"delete from {raw_table(entity)} where _delivery_id not in ({pinned})",
            [entity.feed, cycle],
        )
    con.execute(
        f"delete from {INGEST_SCHEMA}.deliveries as d where d.delivery_id not in "
        "(select c.delivery_id from ledger.closed_deliveries as c "
        "where c.feed = d.feed and c.cycle_date <= ?)",
        [cycle],
    )
    for table in HISTORY:
        schema, name = table.split(".")
        con.execute(
            f"delete from {q(schema)}.{q(name)} where delivery_id not in ({pinned})",
            ["cms", cycle],
        )


def _lines(con: duckdb.DuckDBPyConnection, relation: str, cycle: date) -> list[tuple]:
    sql = _LINES.format(columns=", ".join(LINE_COLUMNS), relation=relation)
    return con.execute(sql, {"cycle": cycle}).fetchall()


@contextlib.contextmanager
def scratch_copy(home: Path, cycle: date, pinned: bool) -> Iterator[Path]:
    """A copy of the home's warehouse in a temporary folder, removed afterwards; with
    `pinned`, without what closes after `cycle` took in."""
    with tempfile.TemporaryDirectory(prefix="cablebill-scratch-") as scratch:
        copy = Path(scratch) / "warehouse.duckdb"
        shutil.copyfile(warehouse_path(home), copy)
        if pinned:
            with duckdb.connect(str(copy)) as con:
                pin(con, cycle)
        yield copy


def build_drafts(warehouse: Path, cycle: str, settings: dict, exclude: tuple = ()) -> None:
    """Build `cycle`'s drafts in `warehouse` with `settings`, as the bill run's drafts
    step does (and the nodes in `exclude` not); NotReplayable when they do not build."""
    args = ["build", "--vars", json.dumps(settings | {"cycle_date": cycle})]
    args += ["--exclude", *DRAFTS, *exclude, "--exclude-resource-type", "unit_test"]
    with dbt_runner.environment({WAREHOUSE_ENV: str(warehouse)}):
        *_, outcome = dbt_runner.stream([*args, *dbt_runner.BUILD_FLAGS])
    if not outcome.success:
        raise NotReplayable(f"the drafts of {cycle} did not build: {outcome.reason}")


def replay(home: Path, cycle: str) -> Replay:
    """Rebuild closed cycle `cycle`'s drafts in a scratch copy and compare them with
    its closed invoice lines (the drafts' numbers mapped to those the close gave)."""
    day = date.fromisoformat(cycle)
    with duckdb.connect(str(warehouse_path(home)), read_only=True) as con:
        manifest = closed_manifest(con, day)
        closed = _lines(con, "ledger.invoice_lines", day)
    found = Replay(cycle, manifest["run_id"], len(closed), changed_since=_changed_since(manifest))
    with scratch_copy(home, day, pinned=True) as copy:
        build_drafts(copy, cycle, run_settings(manifest))
        with duckdb.connect(str(copy), read_only=True) as con:
            con.execute(
                "create temp view rebuilt_lines as select numbered.invoice_no, lines.* "
                "exclude (invoice_no) from marts.invoice_lines as lines "
                "inner join ledger.invoice_numbers as numbered "
                "on numbered.cycle_date = lines.cycle_date "
                "and numbered.draft_invoice_no = lines.invoice_no"
            )
            rebuilt = _lines(con, "rebuilt_lines", day)
    # except all, both ways
    found.only_closed = sorted((Counter(closed) - Counter(rebuilt)).elements(), key=str)
    found.only_rebuilt = sorted((Counter(rebuilt) - Counter(closed)).elements(), key=str)
    return found


def run_settings(manifest: dict) -> dict:
    """The billing settings a run manifest recorded (without the gates' overrides)."""
    return {k: v for k, v in manifest["settings"].items() if k != "gate_overrides"}

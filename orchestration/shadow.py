"""Shadow billing (issue 21, for pricing analysts): bill a cycle as it is and with a
candidate change (settings, a catalog, VAT rates), side by side in a scratch copy of
the warehouse, and write what the change does to each account.

The home is not written and no number is consumed: both builds are the cycle's
drafts (orchestration/replay.py builds them as the bill run's drafts step does),
in one scratch copy. A closed cycle is billed from the deliveries its close pinned,
as a replay does, with the settings its run manifest recorded; an open one from
what is loaded now, with the default settings. The candidate catalog replaces the
products of the newest CMS snapshot, checked as a delivery's rows are; candidate
VAT rates replace the `tax_rates` seed.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb

from connectors.ingest import replace_snapshot_entity
from connectors.validate import Rules, q
from connectors.warehouse import connect
from orchestration import pages
from orchestration.exports import Export, write_export
from orchestration.replay import (
    build_drafts,
    closed_manifest,
    is_closed,
    run_settings,
    scratch_copy,
)
from orchestration.settings import RunParameters, billed_currencies, warehouse_path
from orchestration.support import rows

TAX_RATE_COLUMNS = ("tax_category", "rate", "valid_from", "valid_to", "label_ko", "label_en")
# how many accounts the report lists each way, and the chart's bars
LISTED = 10
BARS = 20

# what each build billed: (table, select), the cycle a parameter
_SNAPSHOT = (
    (
        "invoices",
        "select account_id, currency, supply_amount, vat_amount, current_charges "
        "from marts.invoices where cycle_date = ?",
    ),
    (
        "lines",
        "select account_id, currency, line_type, product_code, tax_category, amount "
        "from marts.invoice_lines where cycle_date = ?",
    ),
)

_ACCOUNTS = """
create table shadow.accounts as
select
    coalesce(after.account_id, before.account_id) as account_id,
    coalesce(after.currency, before.currency) as currency,
    before.supply_amount as supply_before,
    after.supply_amount as supply_after,
    before.vat_amount as vat_before,
    after.vat_amount as vat_after,
    before.current_charges as charges_before,
    after.current_charges as charges_after,
    coalesce(after.current_charges, 0) - coalesce(before.current_charges, 0) as difference
from shadow.baseline_invoices as before
full outer join shadow.candidate_invoices as after
    on before.account_id = after.account_id
"""

_BY_PRODUCT = """
create table shadow.by_product as
with sides as (
    select *, amount as before, 0 as after from shadow.baseline_lines
    union all
    select *, 0 as before, amount as after from shadow.candidate_lines
),

per_account as (
    select
        currency, line_type, product_code, tax_category, account_id,
        sum(before) as before, sum(after) as after
    from sides
    group by all
)

select
    currency,
    line_type,
    product_code,
    tax_category,
    sum(before) as amount_before,
    sum(after) as amount_after,
    sum(after) - sum(before) as difference,
    count(*) filter (where after <> before) as accounts_changed
from per_account
group by all
"""

ACCOUNTS = Export(
    "accounts",
    "shadow.accounts",
    (
        "account_id",
        "currency",
        "supply_before",
        "supply_after",
        "vat_before",
        "vat_after",
        "charges_before",
        "charges_after",
        "difference",
    ),
    ("account_id",),
    total_column="difference",
    money_in="currency",
)
BY_PRODUCT = Export(
    "by_product",
    "shadow.by_product",
    (
        "currency",
        "line_type",
        "product_code",
        "tax_category",
        "amount_before",
        "amount_after",
        "difference",
        "accounts_changed",
    ),
    ("currency", "line_type", "product_code", "tax_category"),
    total_column="difference",
    money_in="currency",
)


@dataclass(frozen=True)
class Candidate:
    """A candidate change: settings (NAME -> value), a catalog file in the format of
    the CMS feed's products, a file of VAT rates in the format of the seed."""

    settings: dict = field(default_factory=dict)
    catalog: Path | None = None
    tax_rates: Path | None = None

    def describe(self) -> list[str]:
        """The change, one line per part."""
        lines = [f"{name} = {value}" for name, value in sorted(self.settings.items())]
        lines += [f"catalog: {self.catalog.name}"] if self.catalog else []
        lines += [f"VAT rates: {self.tax_rates.name}"] if self.tax_rates else []
        return lines


@dataclass
class Shadow:
    """What a shadow run found: accounts billed, those whose bill the change moves,
    and the files written."""

    cycle: str
    closed: bool
    accounts: int = 0
    affected: int = 0
    totals: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def read_tax_rates(path: Path) -> list[tuple]:
    """The rows of a VAT rates file (the columns of the `tax_rates` seed), typed;
    ValueError names the file, row and what is wrong."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != TAX_RATE_COLUMNS:
            raise ValueError(f"{path}: the columns must be {', '.join(TAX_RATE_COLUMNS)}")
        rows, seen = [], set()
        for number, row in enumerate(reader, start=1):
            try:
                rows.append(_tax_rate(row))
            except (ValueError, InvalidOperation) as error:
                raise ValueError(f"{path} row {number}: {error}") from None
            key = rows[-1][0], rows[-1][2]
            if key in seen:
                raise ValueError(f"{path} row {number}: a second rate of {key[0]} from {key[1]}")
            seen.add(key)
    return rows


def _tax_rate(row: dict) -> tuple:
    category = row["tax_category"].strip()
    if not category:
        raise ValueError("tax_category is empty")
    rate = Decimal(row["rate"])
    if not Decimal(0) <= rate < Decimal(1):
        raise ValueError(f"rate {row['rate']} is not a fraction from 0 to below 1")
    starts = date.fromisoformat(row["valid_from"])
    ends = date.fromisoformat(row["valid_to"]) if row["valid_to"].strip() else None
    if ends is not None and ends <= starts:
        raise ValueError(f"valid_to {ends} is not after valid_from {starts}")
    return category, rate, starts, ends, row["label_ko"], row["label_en"]


def check(candidate: Candidate) -> None:
    """Refuse a candidate that changes nothing, or whose files are missing or bad,
    before anything is built (ValueError)."""
    if not candidate.describe():
        raise ValueError("a shadow run needs a change: --set, --catalog or --tax-rates")
    for path in (candidate.catalog, candidate.tax_rates):
        if path is not None and not path.is_file():
            raise ValueError(f"{path}: no such file")
    if candidate.tax_rates:
        read_tax_rates(candidate.tax_rates)


def shadow(home: Path, cycle: str, candidate: Candidate, out: Path) -> Shadow:
    """Bill `cycle` of `home` as it is and with `candidate`, in a scratch copy, and
    write the per-account difference (CSV, Parquet), the difference by product and
    line type, and the one-page report under `out`."""
    check(candidate)
    day = date.fromisoformat(cycle)
    with duckdb.connect(str(warehouse_path(home)), read_only=True) as con:
        closed = is_closed(con, day)
        settings = run_settings(closed_manifest(con, day)) if closed else RunParameters().billing()
    timezone = settings["operator_timezone"]
    found = Shadow(cycle, closed)
    with scratch_copy(home, day, pinned=closed) as copy:
        build_drafts(copy, cycle, settings)
        with connect(copy, timezone) as con:
            con.execute("create schema if not exists shadow")
            _keep(con, "baseline", day)
            _apply(con, candidate, settings)
        exclude = ("tax_rates",) if candidate.tax_rates else ()
        build_drafts(copy, cycle, settings | candidate.settings, exclude)
        with connect(copy, timezone) as con:
            _keep(con, "candidate", day)
            con.execute(_ACCOUNTS)
            con.execute(_BY_PRODUCT)
            found.files = _write(con, found, candidate, out, settings["csv_byte_order_mark"])
    return found


def _keep(con: duckdb.DuckDBPyConnection, side: str, day: date) -> None:
    """Keep what the build just billed as shadow.<side>_invoices and _lines."""
    for table, select in _SNAPSHOT:
        con.execute(f"create or replace table shadow.{q(side + '_' + table)} as {select}", [day])


def _apply(con: duckdb.DuckDBPyConnection, candidate: Candidate, settings: dict) -> None:
    """The candidate's catalog and VAT rates, written into the scratch warehouse."""
    if candidate.catalog:
        rules = Rules(settings["max_text_length"], billed_currencies())
        replace_snapshot_entity(con, candidate.catalog, "cms", "products", rules)
    if candidate.tax_rates:
        con.execute("delete from settings.tax_rates")
        con.executemany(
            "insert into settings.tax_rates values (?, ?, ?, ?, ?, ?)",
            read_tax_rates(candidate.tax_rates),
        )


def _write(con, found: Shadow, candidate: Candidate, out: Path, bom: bool) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [write_export(con, export, None, out, bom) for export in (ACCOUNTS, BY_PRODUCT)]
    ((found.accounts, found.affected),) = con.execute(
        "select count(*), count(*) filter (where difference <> 0) from shadow.accounts"
    ).fetchall()
    totals = con.execute(
        "select currency, sum(coalesce(charges_before, 0)), sum(coalesce(charges_after, 0)) "
        "from shadow.accounts group by currency"
    ).fetchall()
    found.totals = {currency: (before, after) for currency, before, after in totals}
    groups = rows(
        con,
        "select * from shadow.by_product where difference <> 0 "
        "order by currency, abs(difference) desc, line_type, product_code",
    )
    listed = "select * from shadow.accounts where {} order by {}, account_id limit ?"
    changed = "select currency, difference from shadow.accounts where difference <> 0"
    report = out / "report.html"
    report.write_text(
        pages.render(
            "shadow_report.html.j2",
            found=found,
            change=candidate.describe(),
            groups=groups,
            increases=rows(con, listed.format("difference > 0", "difference desc"), [LISTED]),
            decreases=rows(con, listed.format("difference < 0", "difference"), [LISTED]),
            charts=histograms(rows(con, changed)),
        ),
        encoding="utf-8",
    )
    files = [path for w in written for path in (w.csv, w.parquet)]
    return [*files, report]


def histograms(changed: list[dict]) -> dict[str, list[tuple[Decimal, Decimal, int]]]:
    """Per currency, the accounts' differences in BARS equal ranges: (from, to, count)."""
    charts = {}
    for currency in sorted({row["currency"] for row in changed}):
        values = [row["difference"] for row in changed if row["currency"] == currency]
        low, high = min(values), max(values)
        width = (high - low) / BARS or Decimal(1)
        counts = Counter(min(int((v - low) / width), BARS - 1) for v in values)
        bars = 1 if high == low else BARS
        charts[currency] = [
            (low + width * i, low + width * (i + 1), counts[i]) for i in range(bars)
        ]
    return charts

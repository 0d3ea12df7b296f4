"""`cablebill bench`: the bill run at an operator's scale, stage by stage.

For a scale (accounts, and data-usage records per internet account) it
  1. generates the cycle's deliveries once, kept in `<root>/data/<scale>` for later runs;
  2. ingests them into a new home (CSV read, validated, quarantined, landed);
  3. runs the bill run on the landed data in this process, statements left out
     (rating, promotions, VAT, invoices, gates, close, journal, exports);
  4. runs the floor: one bare DuckDB query over the landed Parquet computing the same
     per-account usage totals, the least any bill run has to do;
  5. times what a bill run costs before any data: Dagster definitions load and a
     bill run of a 100-account cycle (orchestration overhead), and `dbt parse`;
  6. renders a sample of the cycle's statements, HTML and PDF, on one core.
Every stage gets its wall time, CPU time (this process and dbt's), peak resident
memory and rows per second. Results: stdout, and `<root>/results/<scale>.json`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb

from connectors.contract import entity
from connectors.synthetic.generate import generate
from connectors.warehouse import raw_table
from orchestration.benchmarks.sampler import Sampler, Window
from orchestration.cycles import previous_cycle
from orchestration.settings import (
    DBT_PROJECT_DIR,
    CablebillHome,
    billing_settings,
    warehouse_path,
)

CYCLE = date(2026, 11, 1)
# 100 accounts are too few for the quarantine share to be judged: listed instead
TINY_SETTINGS = {"quarantine_min_rows": 1000}
# What this process sets for its own home: a user's run starts without them.
HOME_VARIABLES = ("DAGSTER_HOME", "CABLEBILL_HOME", "CABLEBILL_INBOX", "CABLEBILL_WAREHOUSE")
SEED = 42
# Records per internet account: with about 73% of accounts on internet and 1.2 VOD
# purchases per TV account, about 100 usage events per account.
RECORDS = 135
# accounts, and records per internet account; `full-accounts` is the whole base with a
# tenth of the usage, for what the account count alone costs.
SCALES = {
    "tiny": (100, RECORDS),
    "small": (10_000, RECORDS),
    "medium": (100_000, RECORDS),
    "full": (1_000_000, RECORDS),
    "full-accounts": (1_000_000, RECORDS // 10),
}

# Dagster steps of the bill run, in the stages the benchmark reports.
STAGES = {
    "ingest step (every delivery already loaded)": ("ingest_inbox",),
    "feed gates": ("feed_gates",),
    "billing (dbt: rating, promotions, VAT, invoices, tests)": ("billing_models",),
    "invoice gates": (
        "marts__invoices_bill_jumps",
        "marts__invoices_cycle_totals",
        "marts__invoices_invoice_arithmetic",
    ),
    "close": ("ledger__close", "ledger__close_ledger_integrity"),
    "journal and reports (dbt)": ("accounting_models",),
    "exports": ("exports", "exports_exports_match_marts"),
}


@dataclass(frozen=True)
class Stage:
    name: str
    wall: float
    cpu: float
    peak_rss_mib: float
    rows: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.wall if self.wall else 0.0


def _stage(name: str, window: Window, rows: int) -> Stage:
    return Stage(name, round(window.wall, 2), round(window.cpu, 2), window.peak_rss / 2**20, rows)


def dataset(root: Path, accounts: int, records: int) -> Path:
    """The scale's deliveries, generated on first use."""
    folder = root / "data" / f"{accounts}-accounts-{records}-records"
    done = folder / ".generated"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        generate(folder / "inbox", accounts, SEED, CYCLE, records)
        done.write_text(f"{time.perf_counter() - start:.1f}\n")
    return folder / "inbox"


def _events(con: duckdb.DuckDBPyConnection) -> int:
    return sum(
        con.table(raw_table(entity("headend", name))).count("*").fetchall()[0][0]
        for name in ("data_usage", "vod_purchases", "ppv_purchases")
    )


FLOOR_SQL = """
with usage as (
    select account_id, bytes_down + bytes_up as bytes, 0::decimal(18, 2) as price
    from read_parquet($data_usage)
    where usage_start >= $start and usage_start < $end
    union all
    select account_id, 0, list_price
    from read_parquet($vod_purchases)
    where event_ts >= $start and event_ts < $end
    union all
    select account_id, 0, list_price
    from read_parquet($ppv_purchases)
    where event_ts >= $start and event_ts < $end
)
select count(*), sum(bytes), sum(price) from (
    select account_id, sum(bytes) as bytes, sum(price) as price from usage group by account_id
)
"""


def _floor(home: Path, sampler: Sampler) -> tuple[Window, int]:
    """Per-account usage totals of the period, straight from the landed Parquet."""
    con = duckdb.connect()
    con.execute("set TimeZone = ?", [billing_settings()["operator_timezone"]])
    params = {
        name: str(home / "landing" / "headend" / name / "*" / "data.parquet")
        for name in ("data_usage", "vod_purchases", "ppv_purchases")
    }
    params |= {"start": f"{previous_cycle(CYCLE)} 00:00:00+09", "end": f"{CYCLE} 00:00:00+09"}
    start = time.time()
    ((accounts, _, _),) = con.execute(FLOOR_SQL, params).fetchall()
    window = sampler.window(start, time.time())
    con.close()
    return window, accounts


def run_cycle(inbox: Path, home: Path, cycle: date = CYCLE, settings: dict | None = None):
    """Bill `cycle` in this process, statements left out; raises if the run failed."""
    from orchestration.bill_run import run_bill_cycle

    result = run_bill_cycle(inbox, cycle, home, settings=settings, statements=False)
    if not result.success:
        raise RuntimeError(f"bill run failed: {'; '.join(result.errors)} (log {result.log_path})")
    return result


def _step_windows(run_id: str) -> dict[str, tuple[float, float]]:
    """Each step's (start, end) as time.time() instants, from the run's events."""
    from dagster import DagsterEventType, DagsterInstance

    spans: dict[str, list[float]] = {}
    with DagsterInstance.get() as instance:
        for entry in instance.all_logs(run_id):
            event = entry.dagster_event
            if event is None or entry.step_key is None:
                continue
            if event.event_type in (DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS):
                spans.setdefault(entry.step_key, []).append(entry.timestamp)
    return {step: (min(t), max(t)) for step, t in spans.items()}


def _overhead(root: Path, sampler: Sampler) -> dict[str, float]:
    """What a bill run costs before any data: definitions load (a fresh process),
    `dbt parse` from scratch, and a 100-account `cablebill run --no-pdf` on a cold home,
    the whole process, as a user runs it."""
    env = {**os.environ, "CABLEBILL_HOME": str(root), "CABLEBILL_INBOX": str(root)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import orchestration.definitions"], check=True, env=env)
    definitions = time.perf_counter() - start
    target = root.resolve() / "dbt-parse"
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "parse",
            "--quiet",
            "--no-partial-parse",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
        ],
        check=True,
        env={**env, "CABLEBILL_WAREHOUSE": str(target / "warehouse.duckdb")},
    )
    parse = time.perf_counter() - start
    tiny_home = root / "homes" / "tiny"
    shutil.rmtree(tiny_home, ignore_errors=True)
    inbox = dataset(root, *SCALES["tiny"])
    start = time.time()
    command = [str(Path(sys.executable).parent / "cablebill"), "run", "--no-pdf"]
    command += ["--inbox", str(inbox), "--cycle", CYCLE.isoformat(), "--home", str(tiny_home)]
    command += [f"--set={name}={value}" for name, value in TINY_SETTINGS.items()]
    cold = {k: v for k, v in os.environ.items() if k not in HOME_VARIABLES}
    subprocess.run(command, check=True, env=cold, capture_output=True)
    run = sampler.window(start, time.time())
    return {
        "definitions_load_seconds": round(definitions, 2),
        "dbt_parse_seconds": round(parse, 2),
        "bill_run_100_accounts_seconds": round(run.wall, 2),
    }


def _statements(home: Path, sample: int = 1000) -> dict[str, float]:
    """Statements per second on one core: `sample` HTML three times over (the
    median pass), a tenth as many PDF."""
    from invoice_renderer.pdf import to_pdf
    from invoice_renderer.statements import render_html, render_typst, statements

    operator = CablebillHome(home=str(home), inbox=str(home)).operator
    picked = []
    with duckdb.connect(str(warehouse_path(home)), read_only=True) as con:
        for batch in statements(con, CYCLE):
            picked += batch[: sample - len(picked)]
            if len(picked) >= sample:
                break
    passes = []
    for _ in range(3):  # the first pass also compiles the templates: the median
        start = time.perf_counter()
        for statement in picked:
            render_html(statement, operator)
        passes.append(time.perf_counter() - start)
    html = len(picked) / statistics.median(passes)
    to_pdf(render_typst(picked[0], operator))  # load the fonts
    few = picked[1 : 1 + sample // 10]
    start = time.perf_counter()
    for statement in few:
        to_pdf(render_typst(statement, operator))
    pdf = len(few) / (time.perf_counter() - start)
    return {"html_per_second_per_core": round(html), "pdf_per_second_per_core": round(pdf, 1)}


def bench_bill_run(root: Path, scale: str) -> dict:
    """Run the benchmark at `scale` (a key of SCALES); returns and saves its results."""
    accounts, records = SCALES[scale]
    root.mkdir(parents=True, exist_ok=True)
    inbox = dataset(root, accounts, records)
    home = root / "homes" / scale
    shutil.rmtree(home, ignore_errors=True)
    with Sampler() as sampler:
        start = time.time()
        report = CablebillHome(home=str(home), inbox=str(inbox)).ingest(billing_settings())
        ingest = sampler.window(start, time.time())
        with duckdb.connect(str(warehouse_path(home)), read_only=True) as con:
            events = _events(con)
        start = time.time()
        result = run_cycle(inbox, home)
        bill_run = sampler.window(start, time.time())
        steps = _step_windows(result.run_id)
        floor, floor_accounts = _floor(home, sampler)
        overhead = _overhead(root, sampler)
    stages = [_stage("ingest (CSV, validation, quarantine, landing)", ingest, report.rows_loaded)]
    for name, keys in STAGES.items():
        spans = [steps[k] for k in keys if k in steps]
        window = sampler.window(min(s for s, _ in spans), max(e for _, e in spans))
        stages.append(_stage(name, window, events))
    stages.append(_stage("bill run from landed data", bill_run, events))
    csv_run = Window(
        ingest.wall + bill_run.wall,
        ingest.cpu + bill_run.cpu,
        max(ingest.peak_rss, bill_run.peak_rss),
    )
    stages.append(_stage("bill run from CSV deliveries (ingest + the above)", csv_run, events))
    stages.append(_stage("floor: per-account usage totals, bare DuckDB", floor, events))
    results = {
        "scale": scale,
        "accounts": accounts,
        "records_per_internet_account": records,
        "invoices": result.accounts_billed,
        "usage_events": events,
        "floor_accounts": floor_accounts,
        "generate_seconds": float((inbox.parent / ".generated").read_text()),
        "stages": [asdict(s) | {"rows_per_second": round(s.rows_per_second)} for s in stages],
        "bill_run_over_floor": round(bill_run.wall / floor.wall, 1),
        "overhead": overhead,
        "statements": _statements(home),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
        },
    }
    return save(root, scale, results)


def save(root: Path, name: str, results: dict) -> dict:
    """`results`, dated, written to `<root>/results/<name>.json`."""
    results["measured_on"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out = root / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def table(results: dict) -> str:
    """The results as the table `cablebill bench` prints."""
    lines = [
        f"bench {results['scale']}: {results['accounts']:,} accounts, "
        f"{results['usage_events']:,} usage events, {results['invoices']:,} invoices",
        f"{'stage':58s}{'wall s':>9s}{'cpu s':>9s}{'peak MiB':>10s}{'rows/s':>13s}",
    ]
    for s in results["stages"]:
        lines.append(
            f"{s['name']:58s}{s['wall']:9.1f}{s['cpu']:9.1f}{s['peak_rss_mib']:10.0f}"
            f"{s['rows_per_second']:13,d}"
        )
    lines.append(f"bill run / floor: {results['bill_run_over_floor']}x")
    lines += [f"{k}: {v}" for k, v in results["overhead"].items()]
    lines += [f"{k}: {v}" for k, v in results["statements"].items()]
    lines.append(f"generating the data set took {results['generate_seconds']} s")
    return "\n".join(lines)

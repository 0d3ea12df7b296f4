"""`cablebill bench --cycles N`: months of operation at a scale, each month's bill run
timed from landed data, so that what a growing history costs shows (issue 20: the
12th monthly cycle within 10% of the 1st).

The months are generated once (`generate --cycles`, kept in `<root>/data`) and played
as `cablebill play` plays them: each month's deliveries reach the inbox when they
were extracted, are ingested (timed apart), and the cycle is billed (statements left
out); its bills are answered (simulated payments) and the collections of the day
after its due date run, untimed. Results: stdout, and
`<root>/results/cycles/<scale>-<N>.json`.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from connectors.synthetic.generate import generate
from connectors.synthetic.payments import simulate_payments
from orchestration.benchmarks.bill_run import CYCLE, SCALES, SEED, TINY_SETTINGS, run_cycle, save
from orchestration.benchmarks.sampler import Sampler
from orchestration.bill_run import run_collections
from orchestration.playback import RUN_AT, collections_day, cycles_in, invoices_of, release
from orchestration.settings import CablebillHome, billing_settings, warehouse_path


def feeds(root: Path, accounts: int, records: int, cycles: int) -> Path:
    """The scale's months of deliveries, generated on first use."""
    folder = root / "data" / f"{accounts}-accounts-{records}-records-{cycles}-cycles"
    done = folder / ".generated"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        generate(folder / "feeds", accounts, SEED, CYCLE, records, months=cycles)
        done.write_text(f"{time.perf_counter() - start:.1f}\n")
    return folder / "feeds"


def _data_usage_rows(home: Path) -> int:
    with duckdb.connect(str(warehouse_path(home)), read_only=True) as con:
        return con.execute("select count(*) from raw.data_usage").fetchall()[0][0]


def bench_cycles(root: Path, scale: str, cycles: int) -> dict:
    """Play `cycles` months at `scale` (a key of SCALES); returns and saves each month's
    figures."""
    accounts, records = SCALES[scale]
    generated = feeds(root, accounts, records, cycles)
    home = root / "homes" / f"{scale}-{cycles}-cycles"
    shutil.rmtree(home, ignore_errors=True)
    pending, inbox = home / "feeds", home / "inbox"
    shutil.copytree(generated, pending)  # deliveries move out of it as they arrive
    overrides = TINY_SETTINGS if scale == "tiny" else {}
    settings = billing_settings() | overrides
    zone = ZoneInfo(settings["operator_timezone"])
    months = []
    with Sampler() as sampler:
        for cycle in cycles_in(pending):
            release(pending, inbox, datetime.combine(cycle, RUN_AT, zone))
            start = time.time()
            CablebillHome(home=str(home), inbox=str(inbox)).ingest(settings)
            ingest = sampler.window(start, time.time())
            start = time.time()
            result = run_cycle(inbox, home, cycle, overrides)
            run = sampler.window(start, time.time())
            months.append(
                {
                    "cycle": cycle.isoformat(),
                    "invoices": result.accounts_billed,
                    "data_usage_rows": _data_usage_rows(home),
                    "ingest_seconds": round(ingest.wall, 2),
                    "bill_run_seconds": round(run.wall, 2),
                    "bill_run_cpu_seconds": round(run.cpu, 2),
                    "bill_run_peak_mib": round(run.peak_rss / 2**20),
                }
            )
            exports = home / "exports" / cycle.isoformat()
            simulate_payments(exports, pending, cycle, SEED, snapshots=inbox)
            day = collections_day(invoices_of(home, cycle), cycle)
            release(pending, inbox, datetime.combine(day, RUN_AT, zone))
            collected = run_collections(inbox, day, home, overrides)
            if not collected.success:
                raise RuntimeError(f"collections {day} failed (log {collected.log_path})")
    runs = [m["bill_run_seconds"] for m in months]
    results = {
        "scale": scale,
        "accounts": accounts,
        "cycles": cycles,
        "generate_seconds": float((generated.parent / ".generated").read_text()),
        "months": months,
        # the first run in the process also starts dbt's process and warms up
        "last_over_first": round(runs[-1] / runs[0], 3),
        "last_over_second": round(runs[-1] / runs[1], 3) if len(runs) > 1 else None,
    }
    # apart from the scales' results, which the plot reads
    return save(root, f"cycles/{scale}-{cycles}", results)


def table(results: dict) -> str:
    """The results as `cablebill bench --cycles` prints them."""
    lines = [
        f"bench {results['scale']}, {results['cycles']} monthly cycles: "
        f"{results['accounts']:,} accounts (generated in {results['generate_seconds']:.0f} s)",
        f"  {'cycle':10s} {'invoices':>9s} {'data usage rows':>16s} {'ingest s':>9s}"
        f" {'bill run s':>11s} {'CPU s':>8s} {'peak MiB':>9s}",
    ]
    for m in results["months"]:
        lines.append(
            f"  {m['cycle']:10s} {m['invoices']:>9,d} {m['data_usage_rows']:>16,d}"
            f" {m['ingest_seconds']:>9.1f} {m['bill_run_seconds']:>11.1f}"
            f" {m['bill_run_cpu_seconds']:>8.1f} {m['bill_run_peak_mib']:>9,d}"
        )
    lines.append(f"  last cycle's bill run / first's: {results['last_over_first']:.2f}")
    if results["last_over_second"]:
        lines.append(f"  last cycle's bill run / second's: {results['last_over_second']:.2f}")
    return "\n".join(lines)

"""`cablebill bench-statements`: how fast statements render, per core and per cycle.

On a generated cycle (billed once, HTML only, then kept in `--home`), it measures
in this process, one core:
  * HTML: every statement of the cycle rendered `--repeat` times; the median pass;
  * PDF: the cycle split into `--repeat` disjoint slices, each compiled once (Typst
    remembers documents it has compiled, so the same statement twice would flatter
    it); the median slice;
and then the whole cycle written to disk, HTML and PDF, by `write_statements` with
one worker per core, streaming from the warehouse. Results go to stdout and to
`<home>/benchmarks/statements.json`.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb

from connectors.synthetic.generate import generate
from invoice_renderer.parallel import write_statements
from invoice_renderer.pdf import to_pdf
from invoice_renderer.statements import render_html, render_typst, statements
from orchestration.settings import CablebillHome, warehouse_path


def _billed(home: Path, accounts: int, cycle: date) -> None:
    """Generate and bill the cycle once; later runs reuse it."""
    from orchestration.bill_run import run_bill_cycle

    if warehouse_path(home).exists():
        return
    inbox = home / "inbox"
    generate(inbox, accounts, 42, cycle, 8)
    result = run_bill_cycle(inbox, cycle, home, pdf=False)
    if not result.success:
        raise RuntimeError(f"bill run failed: {'; '.join(result.errors)}")


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def bench_statements(home: Path, accounts: int, cycle: date, repeat: int) -> dict:
    _billed(home, accounts, cycle)
    operator = CablebillHome(home=str(home), inbox=str(home / "inbox")).operator
    with duckdb.connect(str(warehouse_path(home)), read_only=True) as con:
        start = time.perf_counter()
        cycle_statements = [s for batch in statements(con, cycle) for s in batch]
        fetch = time.perf_counter() - start
    count = len(cycle_statements)

    html_passes = []
    for _ in range(repeat):
        start = time.perf_counter()
        for statement in cycle_statements:
            render_html(statement, operator)
        html_passes.append(time.perf_counter() - start)

    to_pdf(render_typst(cycle_statements[0], operator))  # load the fonts
    pdf_rates = []
    for part in range(repeat):
        piece = cycle_statements[part::repeat]
        start = time.perf_counter()
        for statement in piece:
            to_pdf(render_typst(statement, operator))
        pdf_rates.append(len(piece) / (time.perf_counter() - start))

    out_dir = home / "benchmarks" / "statements"
    shutil.rmtree(out_dir, ignore_errors=True)
    workers = os.cpu_count() or 1
    with duckdb.connect(str(warehouse_path(home)), read_only=True) as con:
        start = time.perf_counter()
        written = write_statements(con, cycle, out_dir, operator, pdf=True, workers=workers)
        cycle_seconds = time.perf_counter() - start
    pdf_bytes = sum(p.stat().st_size for p in out_dir.glob("*.pdf"))
    pdf_per_core = statistics.median(pdf_rates)
    results = {
        "statements": count,
        "lines": sum(len(s.lines) for s in cycle_statements),
        "repeat": repeat,
        "fetch_seconds": round(fetch, 2),
        "html_per_second_per_core": _rate(count, statistics.median(html_passes)),
        "html_per_second_per_core_passes": [_rate(count, s) for s in html_passes],
        "pdf_per_second_per_core": round(pdf_per_core, 1),
        "pdf_per_second_per_core_slices": [round(r, 1) for r in pdf_rates],
        "cycle_workers": workers,
        "cycle_written": written,
        "cycle_seconds_html_and_pdf": round(cycle_seconds, 1),
        "cycle_statements_per_second": _rate(written, cycle_seconds),
        "cycle_speedup_over_one_core_pdf": round(written / cycle_seconds / pdf_per_core, 2),
        "pdf_mean_kib": round(pdf_bytes / max(written, 1) / 1024, 1),
    }
    report = home / "benchmarks" / "statements.json"
    report.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results

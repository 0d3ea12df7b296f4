"""A cycle's statements rendered across cores, streaming from the warehouse.

This process reads the ledger in batches and hands each batch to a worker process,
which writes `<invoice_no>.html` (and `.pdf` when asked) atomically; at most two
batches per worker wait at any time, so memory stays flat however large the cycle.
Re-running writes the same bytes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from invoice_renderer.pdf import to_pdf
from invoice_renderer.statements import (
    BATCH,
    Statement,
    count_statements,
    render,
    statements,
)

log = logging.getLogger("cablebill.statements")


@dataclass(frozen=True)
class Job:
    """What every worker needs to render a batch."""

    out_dir: Path
    operator: dict
    pdf: bool


def write_file(path: Path, content: bytes) -> None:
    """Write `path` whole or not at all."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def render_batch(job: Job, batch: list[Statement]) -> int:
    """Write the statements of `batch`; returns how many."""
    for statement in batch:
        stem = job.out_dir / statement.invoice["invoice_no"]
        html, markup = render(statement, job.operator, typst=job.pdf)
        write_file(stem.with_suffix(".html"), html.encode())
        if markup is not None:
            write_file(stem.with_suffix(".pdf"), to_pdf(markup))
    return len(batch)


def write_statements(
    con: duckdb.DuckDBPyConnection,
    cycle_date: date,
    out_dir: Path,
    operator: dict,
    pdf: bool = True,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write every statement of the cycle into `out_dir` with `workers` processes
    (default: one per core; 1 renders in this process, and so does a cycle of one
    batch, which starting workers would only delay); returns how many.
    `progress(done, total)` is called after each batch."""
    out_dir.mkdir(parents=True, exist_ok=True)
    job = Job(out_dir, operator, pdf)
    total = count_statements(con, cycle_date)
    workers = workers or os.cpu_count() or 1
    if total <= BATCH:
        workers = 1
    batches = statements(con, cycle_date)
    done = 0

    def finished(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    if workers == 1:
        for batch in batches:
            finished(render_batch(job, batch))
        return done
    # spawn, not fork: this process holds a DuckDB connection and its threads
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        _stream(pool, job, batches, 2 * workers, finished)
    return done


def _stream(
    pool: ProcessPoolExecutor,
    job: Job,
    batches: Iterable[list[Statement]],
    limit: int,
    finished: Callable[[int], None],
) -> None:
    """Submit batches as workers free up, never more than `limit` pending."""
    pending: set[Future] = set()
    for batch in batches:
        if len(pending) >= limit:
            completed, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in completed:
                finished(future.result())
        pending.add(pool.submit(render_batch, job, batch))
    for future in pending:
        finished(future.result())

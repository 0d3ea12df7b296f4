"""Python's cyclic garbage collector, set for a run.

A run allocates many small objects (Dagster's events, dbt's nodes and results) on top
of millions that live as long as the process (dbt's parsed project, Dagster's
definitions). With the interpreter's defaults, the collector runs a thousand times
per run and its full collections walk all of those: about 0.8 s of a 100-account
bill run in the run's process and 0.5 s in the drafts' dbt build (docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Collect the youngest generation after this many more allocations than frees (the
# interpreter's default: 700), each older one after this many collections of the
# younger (default 10). Garbage in cycles waits longer; nothing else changes.
THRESHOLDS = (20_000, 20, 20)


def settle() -> None:
    """Exclude every object alive now from later collections and collect less often:
    for a process that has loaded what it keeps (dbt's, after the parse)."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


@contextlib.contextmanager
def settled() -> Iterator[None]:
    """`settle` for the length of a run, then the defaults again (the process may go
    on: the tests and the Dagster UI run many)."""
    before = gc.get_threshold()
    settle()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()

"""One writer per home: what writes a home's warehouse holds the home's lock.

DuckDB lets one process write a database file, and a second writer fails half-way
through whatever it was doing. So `cablebill run`, `collect` and `dismiss`, and every
Dagster run (through the `cablebill` resource), take `<home>/.lock` first; who holds
it is written in it, and anyone else is refused at once with that holder's name.
The lock is the operating system's (flock): a holder that dies releases it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

LOCK_FILE = ".lock"

# The homes this process holds, so that a run inside a cablebill command (the same
# process) does not lock again.
_held: set[Path] = set()


class HomeInUse(RuntimeError):
    """Another process holds the home; the message names it."""


@contextlib.contextmanager
def home_lock(home: Path, holder: str) -> Iterator[None]:
    """Hold `home`'s lock as `holder` (what a person would recognise, such as
    `cablebill run 2026-11-01`); HomeInUse when someone else holds it."""
    home.mkdir(parents=True, exist_ok=True)
    key = home.resolve()
    if key in _held:
        yield
        return
    with (key / LOCK_FILE).open("a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            raise HomeInUse(f"home {home} is in use by {_describe(fh.read())}") from None
        fh.seek(0)
        fh.truncate()
        started = datetime.now().astimezone().isoformat(timespec="seconds")
        fh.write(json.dumps({"holder": holder, "pid": os.getpid(), "since": started}))
        fh.flush()
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
            fh.truncate(0)
            fcntl.flock(fh, fcntl.LOCK_UN)


def _describe(text: str) -> str:
    try:
        holder = json.loads(text)
        return f"{holder['holder']} (process {holder['pid']}, since {holder['since']})"
    except (ValueError, KeyError, TypeError):
        return "another process"

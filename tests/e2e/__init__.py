"""End-to-end tests: the `cablebill` command as a user runs it.

`cablebill(...)` runs the command's own entry point (`orchestration.cli.main`) in the
test process, with the environment as a new process would see it and its output
captured: the same code path, without paying Python's, Dagster's and dbt's start-up
and dbt's parse for every command. `cablebill_process(...)` runs the installed
executable, for the tests that show it works as a program of its own.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
import traceback
from pathlib import Path

from orchestration.cli import main

CABLEBILL = str(Path(sys.executable).parent / "cablebill")


def cablebill(*args: str) -> subprocess.CompletedProcess:
    """Run `cablebill <args>` in this process; exit code and output as a subprocess's."""
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse's usage errors
                code = exit_.code if isinstance(exit_.code, int) else 2
            except Exception:  # what the interpreter would print before exiting 1
                traceback.print_exc()
                code = 1
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(
        [CABLEBILL, *args], code, stdout.getvalue(), stderr.getvalue()
    )


def cablebill_process(*args: str) -> subprocess.CompletedProcess:
    """Run the installed `cablebill` executable; its output is captured as text."""
    return subprocess.run([CABLEBILL, *args], capture_output=True, text=True, check=False)


def read_csv(path: Path) -> list[dict]:
    """The rows of a CSV, as Excel reads it (an export starts with a byte-order mark)."""
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


# Debian's Chromium, as the browser tests drive it through Playwright
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

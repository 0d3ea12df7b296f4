"""End-to-end tests: the `cablebill` command as a user runs it."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

CABLEBILL = str(Path(sys.executable).parent / "cablebill")


def cablebill(*args: str) -> subprocess.CompletedProcess:
    """Run the installed `cablebill` command; its output is captured as text."""
    return subprocess.run([CABLEBILL, *args], capture_output=True, text=True, check=False)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))

"""Bill runs that several test modules read: built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import cablebill_process, three_cycles

GOLDEN = Path(__file__).parents[1] / "golden"


@pytest.fixture(scope="session")
def golden_run(tmp_path_factory) -> tuple[Path, str]:
    """The golden scenario billed on DuckDB by the installed executable, as a program
    of its own: (home, stdout). Read only."""
    home = tmp_path_factory.mktemp("golden")
    result = cablebill_process(
        "run", "--inbox", str(GOLDEN / "inbox"), "--cycle", "2026-11-01", "--home", str(home)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return home, result.stdout


@pytest.fixture(scope="session")
def three_cycle_run(tmp_path_factory) -> three_cycles.Played:
    """The three-cycle scenario (tests/e2e/three_cycles.py) played on DuckDB. Read
    only: a test that runs more copies the home."""
    return three_cycles.play(tmp_path_factory.mktemp("three_cycles"))

"""Bill runs that several test modules read: built once per test run."""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock

from tests.e2e import cablebill, cablebill_process, three_cycles
from tests.e2e.golden_months import GOLDEN, GOLDEN_MONTHS

# the months of tests/e2e/test_months_of_operation.py and test_console.py
MONTHS = ("2026-09-01", "2026-10-01", "2026-11-01")

Built = TypeVar("Built")


def built_once(
    tmp_path_factory, worker_id: str, name: str, build: Callable[[Path], Built]
) -> Built:
    """`build(folder)` once per test run. Under pytest-xdist the first worker to ask
    builds it in a folder all workers share, under a lock; the others wait, then read
    what it returned."""
    if worker_id == "master":
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent
    folder, saved = shared / name, shared / f"{name}.pickle"
    with FileLock(shared / f"{name}.lock"):
        if not saved.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a failed build's leftovers
            folder.mkdir()
            saved.write_bytes(pickle.dumps(build(folder)))
        return pickle.loads(saved.read_bytes())


def _bill_golden(home: Path) -> tuple[Path, str]:
    result = cablebill_process(
        "run", "--inbox", str(GOLDEN / "inbox"), "--cycle", "2026-11-01", "--home", str(home)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return home, result.stdout


@pytest.fixture(scope="session")
def golden_run(tmp_path_factory, worker_id) -> tuple[Path, str]:
    """The golden scenario billed on DuckDB by the installed executable, as a program
    of its own: (home, stdout). Read only."""
    return built_once(tmp_path_factory, worker_id, "golden", _bill_golden)


@pytest.fixture(scope="session")
def three_cycle_run(tmp_path_factory, worker_id) -> three_cycles.Played:
    """The three-cycle scenario (tests/e2e/three_cycles.py) played on DuckDB. Read
    only: a test that runs more copies the home."""
    return built_once(tmp_path_factory, worker_id, "three_cycles", three_cycles.play)


@pytest.fixture(scope="session")
def golden_months_run(tmp_path_factory, worker_id, golden_run) -> three_cycles.Played:
    """The golden scenario's November (a copy of `golden_run`), then the months of
    tests/e2e/golden_months.py, played on DuckDB without PDFs. Read only."""
    golden_home, _ = golden_run

    def play(folder: Path) -> three_cycles.Played:
        return three_cycles.play(
            folder, "--no-pdf", deliveries=GOLDEN_MONTHS, november=(GOLDEN / "inbox", golden_home)
        )

    return built_once(tmp_path_factory, worker_id, "golden_months", play)


@pytest.fixture
def first_cycle(three_cycle_run, tmp_path) -> tuple[Path, Path]:
    """A copy of the inbox and home of the three-cycle scenario's first bill run
    (test_bill_run's deliveries, November closed), for a test to write in."""
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    for source, copy in zip(three_cycle_run.first, (inbox, home), strict=True):
        shutil.copytree(source, copy)
    return inbox, home


def _play_months(root: Path) -> tuple[Path, Path, str]:
    feeds, home = root / "feeds", root / "home"
    generated = cablebill(
        "generate", "--accounts", "300", "--seed", "4", "--cycle", MONTHS[0],
        "--cycles", str(len(MONTHS)), "--out", str(feeds),
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    result = cablebill(
        "play", "--feeds", str(feeds), "--home", str(home), "--seed", "4", "--no-pdf"
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return feeds, home, result.stdout


@pytest.fixture(scope="session")
def months_played(tmp_path_factory, worker_id) -> tuple[Path, Path, str]:
    """Three months of 300 generated accounts, played as `make demo` plays them:
    (feeds, home, stdout). Read only: a test that writes copies the home."""
    return built_once(tmp_path_factory, worker_id, "months", _play_months)

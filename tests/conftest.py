"""Shared fixtures: a fresh inbox and home per test; the order the suite runs in."""

from __future__ import annotations

from pathlib import Path

import pytest

# The longest module: under `make test`'s two workers it starts first, so that it does
# not finish last.
LONGEST = "tests/e2e/test_spark_target.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end modules (marked `slow`) first, the longest of all before them,
    each module's tests together: `make test` hands whole modules to its workers
    (`--dist loadfile`) in this order, and the short ones fill in at the end."""
    slow = {_module(item) for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (_module(item) != LONGEST, _module(item) not in slow))


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path

"""Shared fixtures: a fresh inbox and home per test; the order the suite runs in."""

from __future__ import annotations

from pathlib import Path

import pytest

# The longest modules, longest first: under `make test`'s two workers the Spark module
# starts first, and under `make test-fast`'s the dbt project's (its unit tests), so
# that neither finishes last.
LONGEST = ("tests/e2e/test_spark_target.py", "tests/dbt/test_dbt_project.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first, then the end-to-end ones (marked `slow`), each
    module's tests together: `make test` hands whole modules to its workers
    (`--dist loadfile`) in this order, and the short ones fill in at the end."""
    slow = {_module(item) for item in items if item.get_closest_marker("slow")}

    def rank(item: pytest.Item) -> int:
        module = _module(item)
        if module in LONGEST:
            return LONGEST.index(module)
        return len(LONGEST) + (module not in slow)

    items.sort(key=rank)


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

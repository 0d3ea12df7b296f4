"""Shared fixtures: a fresh inbox and home per test.

`make test` runs the suite in two workers (pytest-xdist). Each builds with dbt in a
target folder of its own, started from `make parse`'s, so that neither reads a
manifest the other is writing; this runs before any module of the project is
imported, as dbt_runner reads the folder's path when it is.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER and "CABLEBILL_DBT_TARGET_PATH" not in os.environ:
    _parsed = Path(__file__).resolve().parents[1] / "dbt_project" / "target"
    _own = Path(tempfile.mkdtemp(prefix=f"cablebill-dbt-{_WORKER}-"))
    shutil.copytree(
        _parsed, _own, dirs_exist_ok=True, ignore=shutil.ignore_patterns("compiled", "run")
    )
    os.environ["CABLEBILL_DBT_TARGET_PATH"] = str(_own)


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

"""Shared fixtures: a fresh inbox and home per test."""

from __future__ import annotations

from pathlib import Path

import pytest


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

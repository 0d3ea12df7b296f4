"""Keep dbt's manifest current: Dagster reads it when the definitions load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

_SOURCES = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")


def manifest_path() -> Path:
    return DBT_PROJECT_DIR / "target" / "manifest.json"


def is_stale() -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    manifest = manifest_path()
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _SOURCES:
        root = DBT_PROJECT_DIR / name
        paths = [root] if root.is_file() else root.rglob("*")
        if any(p.stat().st_mtime > built for p in paths if p.is_file()):
            return True
    return False


def ensure_manifest() -> None:
    """Run `dbt parse` when the manifest is stale (a few seconds; partial parsing on)."""
    if not is_stale():
        return
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ}
    env.setdefault("CABLEBILL_WAREHOUSE", str(DBT_PROJECT_DIR / "target" / "parse.duckdb"))
    subprocess.run(
        [str(dbt), "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR,
        env=env,
        check=True,
    )

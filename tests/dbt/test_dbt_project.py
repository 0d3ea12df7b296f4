"""The dbt project builds on an empty warehouse, and every unit test passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from connectors.warehouse import connect
from orchestration.settings import DBT_PROJECT_DIR


def test_dbt_build_with_unit_tests_passes_on_an_empty_warehouse(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse, "Asia/Seoul").close()  # the raw tables the connectors own
    dbt = Path(sys.executable).parent / "dbt"
    result = subprocess.run(
        [
            str(dbt),
            "build",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "CABLEBILL_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    assert "ERROR=0" in result.stdout
    summary = next(line for line in result.stdout.splitlines() if "unit tests" in line)
    assert "unit tests" in summary

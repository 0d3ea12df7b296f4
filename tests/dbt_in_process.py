"""dbt on a test's own warehouse, in the test process, on the parse it already has."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from orchestration import dbt_runner


def dbt(warehouse: Path, *args: str, cycle: str = "2026-11-01") -> tuple[dbt_runner.Outcome, str]:
    """`dbt <args>` for `cycle` on `warehouse`: how it ended, and what dbt printed."""
    printed = io.StringIO()
    variables = json.dumps({"cycle_date": cycle})
    with (
        dbt_runner.environment({dbt_runner.WAREHOUSE_ENV: str(warehouse)}),
        contextlib.redirect_stdout(printed),
    ):
        outcome = dbt_runner.invoke([*args, "--vars", variables])
    return outcome, printed.getvalue()

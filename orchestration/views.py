"""Views a step reads that the run before it normally builds, built when missing.

The gates' and exports' views (models/quality, models/exports) depend on no data:
the close and the journal build rebuild them on every run. A warehouse whose last
bill run an older version made lacks the newer ones, and a step run on its own (a
closed cycle checked again, its exports written again) would find nothing to read:
such a step builds them first, once.
"""

from __future__ import annotations

import duckdb

from orchestration import dbt_runner
from orchestration.settings import CablebillHome


def build_missing(
    home: CablebillHome, models: dict[str, tuple[str, str]], *, refresh: bool = False
) -> list[str]:
    """Build those of `models` (name: (schema, relation)) that the home's warehouse
    lacks, with `dbt run`; returns their names. RuntimeError says why a build failed.
    On Spark, where they are tables made when built (and a warehouse is never older
    than its first run), none is missing; with `refresh` all are built again, so
    that they show the warehouse as it is now."""
    if home.on_spark:
        missing = list(models) if refresh else []
    else:
        with home.read_warehouse() as con:
            missing = [name for name, relation in models.items() if not exists(con, *relation)]
    if missing:
        *_, outcome = dbt_runner.stream(["run", "--select", *missing, *dbt_runner.BUILD_FLAGS])
        if not outcome.success:
            raise RuntimeError(f"could not build {', '.join(missing)}: {outcome.reason}")
    return missing


def exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether the warehouse behind `con` has table or view `schema.name`."""
    query = (
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    )
    return con.execute(query, [schema, name]).fetchall()[0][0] > 0

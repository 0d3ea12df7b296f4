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

# what build_missing builds of its selection: the models and seeds, not their tests
WITHOUT_TESTS = ("--resource-type", "model", "--resource-type", "seed")


def seeds_read_by(tag: str) -> dict[str, tuple[str, str]]:
    """The seeds the models tagged `tag` read, as build_missing takes them: a daily
    run on a warehouse an older version's bill run made loads a newer seed first."""
    nodes = {node["unique_id"]: node for node in dbt_runner.manifest_nodes()}
    read = {
        parent
        for node in nodes.values()
        if tag in node["tags"]
        for parent in node["depends_on"]["nodes"]
        if parent.startswith("seed.")
    }
    return {nodes[uid]["name"]: (nodes[uid]["schema"], nodes[uid]["alias"]) for uid in read}


def build_missing(
    home: CablebillHome, models: dict[str, tuple[str, str]], *, refresh: bool = False
) -> list[str]:
    """Build those of `models` (name: (schema, relation); seeds among them) that the
    home's warehouse lacks, with `dbt build` without tests; returns their names.
    RuntimeError says why a build failed.
    On Spark, where they are tables made when built (and a warehouse is never older
    than its first run), none is missing; with `refresh` all are built again, so
    that they show the warehouse as it is now."""
    if home.on_spark:
        missing = list(models) if refresh else []
    else:
        with home.read_warehouse() as con:
            missing = [name for name, relation in models.items() if not exists(con, *relation)]
    if missing:
        args = ["build", "--select", *missing, *WITHOUT_TESTS, *dbt_runner.BUILD_FLAGS]
        *_, outcome = dbt_runner.stream(args)
        if not outcome.success:
            raise RuntimeError(f"could not build {', '.join(missing)}: {outcome.reason}")
    return missing


def exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether the warehouse behind `con` has table or view `schema.name`."""
    query = (
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    )
    return con.execute(query, [schema, name]).fetchall()[0][0] > 0

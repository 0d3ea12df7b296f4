"""The warehouse tables the connectors own: raw entity tables and the ingest ledger."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from connectors.contract import ENTITIES, Entity
from connectors.validate import q, sql_type

RAW_SCHEMA = "raw"
INGEST_SCHEMA = "ingest"

_LEDGER = f"""
create schema if not exists {RAW_SCHEMA};
create schema if not exists {INGEST_SCHEMA};
create table if not exists {INGEST_SCHEMA}.deliveries (
    feed varchar not null,
    delivery_id varchar not null,
    extracted_at timestamptz not null,
    fingerprint varchar not null,
    files varchar not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    primary key (feed, delivery_id)
);
create table if not exists {INGEST_SCHEMA}.quarantine (
    feed varchar not null,
    delivery_id varchar not null,
    entity varchar not null,
    file varchar not null,
    row_number bigint,
    reason_code varchar not null,
    detail varchar not null,
    row_masked varchar
);
create table if not exists {INGEST_SCHEMA}.rejections (
    feed varchar not null,
    delivery_id varchar not null,
    fingerprint varchar not null,
    file varchar,
    reason_code varchar not null,
    detail varchar not null,
    primary key (feed, delivery_id, fingerprint)
);
create table if not exists {INGEST_SCHEMA}.dismissals (
    feed varchar not null,
    delivery_id varchar not null,
    reason varchar not null,
    dismissed_at timestamptz not null,
    primary key (feed, delivery_id)
);
"""


def raw_table(entity: Entity) -> str:
    """The raw table of `entity`, its name quoted."""
    return f"{RAW_SCHEMA}.{q(entity.name)}"


def _raw_ddl(entity: Entity) -> str:
    cols = ", ".join(f"{q(c.name)} {sql_type(c)}" for c in entity.columns)
    return (
        f"create table if not exists {raw_table(entity)} ({cols}, _extra varchar, "
        f"_delivery_id varchar not null, _extracted_at timestamptz not null, "
        f"_row_number bigint not null)"
    )


def memory_limit() -> str:
    """What DuckDB may hold in memory before it spills to disk, per connection (dbt's
    profile reads the same variable): a full base stays within a few GiB."""
    return os.environ.get("CABLEBILL_DUCKDB_MEMORY_LIMIT", "3GB")


def connect(path: Path, operator_timezone: str) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, creating the connector-owned tables when missing and adding
    the columns a newer contract has (optional ones: older rows hold null).

    Timestamps without an offset are read in `operator_timezone`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config={"memory_limit": memory_limit()})
    con.execute("set TimeZone = ?", [operator_timezone])
    con.execute(_LEDGER)
    for entity in ENTITIES:
        con.execute(_raw_ddl(entity))
        for column in entity.columns:
            con.execute(
                f"alter table {raw_table(entity)} "
                f"add column if not exists {q(column.name)} {sql_type(column)}"
            )
    return con

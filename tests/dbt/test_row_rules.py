"""The generic test `row_rules` (tests/generic/row_rules.sql), which checks a model's
not-null columns, accepted values and key in one query, returns every row that breaks
a rule with what it breaks, and every repeated key."""

from __future__ import annotations

import duckdb
from dbt.cli.main import dbtRunner

from orchestration import dbt_runner

ACCOUNT_COLUMNS = (
    "account_id varchar, customer_type varchar, name varchar, region_code varchar, "
    "bill_cycle_day integer, currency varchar, language varchar, payment_method varchar, "
    "status varchar, created_at timestamp"
)


def _compiled(test_name: str) -> str:
    result = dbtRunner(manifest=dbt_runner.manifest()).invoke(
        ["compile", "--select", test_name, "--no-write-json", *dbt_runner.project_args()]
    )
    dbt_runner.release_warehouse()
    assert result.success, result.exception
    (node,) = [r.node for r in result.result.results]
    return node.compiled_code


def test_each_broken_rule_and_each_repeated_key_is_returned(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv(dbt_runner.WAREHOUSE_ENV, str(warehouse))
    sql = _compiled("row_rules_stg_cms__accounts")
    rows = [
        ("A1", "residential", "ko", "card", "active"),  # keeps every rule
        ("A2", None, "ko", "card", "active"),
        ("A3", "business", "fr", "card", "closed"),
        ("A4", "business", None, "giro", "active"),  # language may be empty
        ("A1", "residential", "en", "giro", "terminated"),  # the key again
    ]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema staging")
        con.execute(f"create table staging.stg_cms__accounts ({ACCOUNT_COLUMNS})")
        con.executemany(
            "insert into staging.stg_cms__accounts values "
            "(?, ?, 'name', 'R1', 1, 'KRW', ?, ?, ?, timestamp '2026-01-01')",
            rows,
        )
        found = sorted(row[0] for row in con.execute(sql).fetchall())
    assert found == [
        "account_id repeated 2 times",
        "customer_type is null",
        "language not accepted; status not accepted",
    ]

"""The invoice arithmetic gate passes a correct cycle and names what breaks a wrong one:
its dbt models (models/quality), compiled, over drafts written by hand."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from unittest import mock

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from connectors.validate import q
from expectations.invoice_arithmetic import validate_coverage, validate_invoices
from orchestration import dbt_runner

CYCLE = date(2026, 11, 1)

# The hand-computed bill of A1 (see tests/e2e/test_bill_run.py): 13,200 + 11,532
# supply, VAT floor(2,473.2) = 2,473, 27,205 truncated to 27,200.
SETUP = """
create schema marts; create schema settings;
create table settings.currencies as
    select 'KRW' as currency, 1::bigint as minor_scale, 10::bigint as rounding_unit_minor;
create table settings.tax_rates as
    select 'standard' as tax_category, 0.10::decimal(6, 4) as rate,
           date '2000-01-01' as valid_from, null::date as valid_to;
create table marts.dim_accounts as select 'A1' as account_id, false as tax_exempt;
create table marts.invoices as select
    'INV-1' as invoice_no, 'A1' as account_id, date '2026-11-01' as cycle_date,
    date '2026-11-01' as issue_date, 'KRW' as currency,
    24732.00::decimal(18, 2) as supply_amount, 2473.00::decimal(18, 2) as vat_amount,
    -5.00::decimal(18, 2) as rounding_amount, 27200.00::decimal(18, 2) as current_charges,
    0.00::decimal(18, 2) as previous_balance, 0.00::decimal(18, 2) as payments_and_credits,
    27200.00::decimal(18, 2) as amount_due;
create table marts.invoice_lines (
    invoice_no varchar, cycle_date date, line_no int, line_type varchar,
    tax_category varchar, amount decimal(18, 2));
insert into marts.invoice_lines values
    ('INV-1', '2026-11-01', 1, 'recurring', 'standard', 13200),
    ('INV-1', '2026-11-01', 2, 'recurring', 'standard', 11532),
    ('INV-1', '2026-11-01', 3, 'vat', 'standard', 2473),
    ('INV-1', '2026-11-01', 4, 'rounding', null, -5);
"""

# The rating steps the coverage model reads, empty (BILLABLE fills them).
BILLABLE_NOTHING = """
create schema intermediate;
create table intermediate.int_accounts_billed (account_id varchar);
create table intermediate.int_invoice_lines_assembled (account_id varchar);
create table intermediate.int_account_balances (
    account_id varchar, previous_balance decimal(18, 2), payments_and_credits decimal(18, 2));
create table intermediate.int_write_offs (account_id varchar, amount decimal(18, 2));
"""

# A1 has rated lines, A2 a previous balance unpaid, A6 paid more than it owed: they
# owe or are owed, and are billable. A3's balance was written off, A5 paid it, A4
# has nothing at all: they owe nothing and are owed nothing, and get no invoice.
BILLABLE = """
insert into intermediate.int_accounts_billed
    select unnest(['A1', 'A2', 'A3', 'A4', 'A5', 'A6']);
insert into intermediate.int_invoice_lines_assembled values ('A1');
insert into intermediate.int_account_balances
    select unnest(['A1', 'A2', 'A3', 'A4', 'A5', 'A6']),
           unnest([0, 5000, 3000, 0, 2000, 1000]),
           unnest([0, 0, 0, 0, 2000, 3000]);
insert into intermediate.int_write_offs values ('A3', 3000);
insert into marts.invoices (invoice_no, account_id, cycle_date)
    values ('INV-2', 'A2', '2026-11-01'), ('INV-6', 'A6', '2026-11-01');
"""


@pytest.fixture(scope="module")
def gate_models(tmp_path_factory) -> dict[str, str]:
    """The invoice gates' dbt models compiled for CYCLE: {alias: SQL}."""
    warehouse = tmp_path_factory.mktemp("compile") / "warehouse.duckdb"
    models = ["quality_invoice_arithmetic", "quality_invoice_coverage"]
    args = ["compile", "--select", *models, "--vars", f"cycle_date: '{CYCLE}'"]
    with mock.patch.dict(os.environ, {dbt_runner.WAREHOUSE_ENV: str(warehouse)}):
        result = dbtRunner(manifest=dbt_runner.manifest()).invoke(
            [*args, "--no-write-json", "--quiet", *dbt_runner.project_args()]
        )
    assert result.success, result.exception
    return {r.node.alias: r.node.compiled_code for r in result.result.results}


@pytest.fixture
def con(tmp_path: Path, gate_models):
    """A warehouse holding SETUP's drafts and the gates' models over them."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        connection.execute(SETUP)
        connection.execute(BILLABLE_NOTHING)
        connection.execute("create schema quality")
        for alias, sql in gate_models.items():
            connection.execute(f"create view quality.{q(alias)} as {sql}")
        yield connection


def test_a_correct_cycle_passes(con):
    result = validate_invoices(con)
    assert result.success, result.describe()
    assert result.rows_checked == 1


@pytest.mark.parametrize(
    ("tamper", "column"),
    [
        ("update marts.invoice_lines set amount = 11533 where line_no = 2", "lines_gap"),
        ("update marts.invoices set vat_amount = 2474", "components_gap"),
        (
            "update marts.invoice_lines set amount = 2474 where line_no = 3;"
            "update marts.invoice_lines set amount = 13199 where line_no = 1",
            "vat_gap",
        ),
        ("update marts.invoices set amount_due = 27210", "amount_due_gap"),
        ("update marts.invoice_lines set amount = -1 where line_no = 1", "negative_charge_lines"),
        (
            "update marts.invoices set rounding_amount = -15, current_charges = 27190,"
            " amount_due = 27190; update marts.invoice_lines set amount = -15 where line_no = 4",
            "rounding_out_of_step",
        ),
    ],
)
def test_a_tampered_invoice_fails_and_is_named(con, tamper, column):
    con.execute(tamper)
    result = validate_invoices(con)
    assert not result.success
    failed = {f.column: f for f in result.failures}
    assert column in failed
    assert failed[column].sample == [
        {column: failed[column].sample[0][column], "invoice_no": "INV-1"}
    ]
    assert "INV-1" in result.describe()


def test_only_the_cycle_is_checked(con):
    con.execute("update marts.invoices set cycle_date = date '2026-10-01', amount_due = 1")
    result = validate_invoices(con)
    assert result.success and result.rows_checked == 0


def test_every_billable_account_has_exactly_one_invoice(con):
    con.execute(BILLABLE)
    result = validate_coverage(con)
    assert result.success, result.describe()
    assert result.rows_checked == 3


def test_a_missing_or_extra_invoice_is_named(con):
    con.execute(BILLABLE)
    con.execute(
        "delete from marts.invoices where account_id = 'A2';"
        "insert into marts.invoices (invoice_no, account_id, cycle_date) values "
        "('INV-4', 'A4', '2026-11-01'), ('INV-5', 'A1', '2026-11-01'),"
        "('INV-7', 'A5', '2026-11-01'), ('INV-8', 'A3', '2026-11-01')"
    )
    result = validate_coverage(con)
    failed = {f.column: f.sample for f in result.failures}
    assert failed["missing_invoice"] == [{"missing_invoice": 1, "account_id": "A2", "invoices": 0}]
    assert [(r["account_id"], r["invoices"]) for r in failed["extra_invoices"]] == [
        ("A1", 2),
        ("A3", 1),
        ("A4", 1),
        ("A5", 1),
    ]

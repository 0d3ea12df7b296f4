"""A built table's figures in Dagster: the run's rows and the totals its yml names."""

from datetime import date

import duckdb

from orchestration.asset_figures import ROW_COUNT, figures


def _node(name: str, columns: list[str], figures_meta: dict | None = None) -> dict:
    return {
        "unique_id": f"model.cablebill.{name}",
        "resource_type": "model",
        "schema": 'o"dd schema',  # names are data: quoted, never pasted
        "alias": name,
        "columns": {c: {} for c in columns},
        "config": {"meta": {"figures": figures_meta}} if figures_meta else {},
    }


def test_a_table_shows_its_cycles_rows_and_totals_and_an_undated_one_all_its_rows():
    con = duckdb.connect()
    con.execute('create schema "o""dd schema"')
    con.execute(
        'create table "o""dd schema".invoices as select * from (values '
        "(date '2026-10-01', 10000.00::decimal(18, 2)), "
        "(date '2026-11-01', 1234567.50::decimal(18, 2)), "
        "(date '2026-11-01', 0.50::decimal(18, 2))) as t(cycle_date, amount_due)"
    )
    con.execute(
        'create table "o""dd schema".sent as select * from (values '
        "(date '2026-11-01', 7), (date '2026-11-02', 9)) as t(sent_on, n)"
    )
    con.execute('create table "o""dd schema".accounts as select 1 as account_id from range(3)')
    nodes = [
        _node("invoices", ["cycle_date", "amount_due"], {"totals": ["amount_due"]}),
        _node("sent", ["sent_on", "n"], {"rows_of": "sent_on"}),
        _node("accounts", ["account_id"]),
    ]

    got = figures(con, nodes, "cycle_date", date(2026, 11, 1))

    invoices = got["model.cablebill.invoices"]
    assert invoices[ROW_COUNT] == 2
    assert invoices["rows_of"] == "cycle_date = 2026-11-01"
    assert invoices["total amount_due"].value == "1,234,568.00"
    assert got["model.cablebill.sent"] == {ROW_COUNT: 1, "rows_of": "sent_on = 2026-11-01"}
    assert got["model.cablebill.accounts"] == {ROW_COUNT: 3}


def test_an_empty_cycles_total_is_zero():
    con = duckdb.connect()
    con.execute("create table main.lines (cycle_date date, amount decimal(18, 2))")
    node = _node("lines", ["cycle_date", "amount"], {"totals": ["amount"]}) | {"schema": "main"}

    (got,) = figures(con, [node], "cycle_date", date(2026, 11, 1)).values()

    assert got[ROW_COUNT] == 0
    assert got["total amount"].value == "0"  # no sum at all: an empty table


def test_a_table_the_reader_cannot_see_holds_no_rows():
    """Spark leaves no file of an empty table without a contract: no view to read."""
    node = _node("write_offs", ["cycle_date", "amount"], {"totals": ["amount"]})

    assert figures(duckdb.connect(), [node], "cycle_date", date(2026, 11, 1)) == {
        "model.cablebill.write_offs": {ROW_COUNT: 0}
    }

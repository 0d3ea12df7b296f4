"""The Dagster definitions load and describe the whole bill run."""

from __future__ import annotations

from dagster import AssetKey

from orchestration.definitions import defs


def test_definitions_load_with_the_bill_run_job(monkeypatch, tmp_path):
    monkeypatch.setenv("CABLEBILL_HOME", str(tmp_path))
    monkeypatch.setenv("CABLEBILL_INBOX", str(tmp_path / "inbox"))
    defs.validate_loadable(defs)
    job = defs.resolve_job_def("bill_run")
    keys = set(defs.resolve_asset_graph().get_all_asset_keys())
    for key in (
        ["raw", "accounts"],
        ["raw", "data_usage"],
        ["ingest", "quarantine"],
        ["staging", "stg_cms__accounts"],
        ["marts", "invoices"],
        ["marts", "invoice_lines"],
        ["exports"],
        ["statements"],
    ):
        assert AssetKey(key) in keys, key
    assert job.partitions_def.name == "bill_cycles"


def test_dbt_tests_are_asset_checks_and_lineage_reaches_the_exports():
    graph = defs.resolve_asset_graph()
    checks = {c.name for c in graph.asset_check_keys}
    assert "unique_invoices_invoice_no" in checks
    assert graph.get(AssetKey(["exports"])).parent_keys == {AssetKey(["ledger", "close"])}
    assert graph.get(AssetKey(["ledger", "close"])).parent_keys == {
        AssetKey(["marts", "invoices"]),
        AssetKey(["marts", "invoice_lines"]),
        AssetKey(["marts", "invoice_payments"]),
        AssetKey(["marts", "dim_accounts"]),
    }
    invoices_parents = graph.get(AssetKey(["marts", "invoices"])).parent_keys
    assert AssetKey(["intermediate", "int_invoice_totals_rounded"]) in invoices_parents


def test_the_invoice_gate_is_a_blocking_check_in_front_of_the_outputs():
    graph = defs.resolve_asset_graph()
    (key,) = [c for c in graph.asset_check_keys if c.name == "invoice_arithmetic"]
    assert key.asset_key == AssetKey(["marts", "invoices"])
    assert graph.get_check_spec(key).blocking

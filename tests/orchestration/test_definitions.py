"""The Dagster definitions load and describe the whole bill run."""

from __future__ import annotations

import json

import pytest
from dagster import AssetCheckKey, AssetKey, DagsterInvalidConfigError, validate_run_config
from pydantic import ValidationError

from orchestration.assets.dbt import dbt_project, internal_upstream
from orchestration.definitions import defs
from orchestration.settings import (
    RUN_DATES,
    RunParameters,
    billing_settings,
    parse_gate_overrides,
    parse_overrides,
)


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
        ["marts", "invoices"],
        ["marts", "invoice_lines"],
        ["exports"],
        ["statements"],
    ):
        assert AssetKey(key) in keys, key
    assert job.partitions_def.name == "bill_cycles"


def test_dbt_tests_are_asset_checks_and_lineage_reaches_the_exports():
    """Drafts -> close -> journal -> exports: the accounting models run after the close."""
    graph = defs.resolve_asset_graph()
    checks = {c.name for c in graph.asset_check_keys}
    assert "unique_invoices_invoice_no" in checks
    closed = AssetKey(["ledger", "close"])
    # what the close models read, from the manifest: the drafts and the deliveries,
    # the currencies (the ledger gate's rows, built with the close) and the data
    # usage it records as counted (through an internal rating step)
    deliveries, currencies, data_usage = (
        AssetKey(["ingest", "deliveries"]),
        AssetKey(["settings", "currencies"]),
        AssetKey(["raw", "data_usage"]),
    )
    assert graph.get(closed).parent_keys == {deliveries, currencies, data_usage} | {
        AssetKey(["marts", name])
        for name in (
            "invoices",
            "invoice_lines",
            "invoice_payments",
            "opening_balances",
            "dim_accounts",
            "credit_notes",
            "write_offs",
            "payments_suspense",
            "statement_summaries",
            "statement_promotions",
            "invoice_line_days",
            "usage_suspense",
        )
    }
    # the journal and reports are built from the closed ledger, and exported
    journal = AssetKey(["accounting", "journal_entries"])
    assert closed in graph.get(AssetKey(["accounting", "int_journal_postings"])).parent_keys
    assert AssetKey(["accounting", "int_journal_postings"]) in graph.get(journal).parent_keys
    assert closed in graph.get(AssetKey(["outputs", "quarantine"])).parent_keys
    assert {closed, journal, AssetKey(["outputs", "quarantine"])} <= graph.get(
        AssetKey(["exports"])
    ).parent_keys
    (balanced,) = [c for c in graph.asset_check_keys if c.name.startswith("journals_balance")]
    assert balanced.asset_key == journal and graph.get_check_spec(balanced).blocking


def test_internal_models_are_built_with_their_stage_but_are_no_assets():
    """The staging views and rating steps are looked through: an invoice depends on
    the raw feeds and settings it is computed from."""
    graph = defs.resolve_asset_graph()
    keys = set(graph.get_all_asset_keys())
    assert AssetKey(["staging", "stg_cms__accounts"]) not in keys
    assert AssetKey(["intermediate", "int_invoice_totals_rounded"]) not in keys
    invoices_parents = graph.get(AssetKey(["marts", "invoices"])).parent_keys
    assert {
        AssetKey(["raw", "subscriptions"]),
        AssetKey(["raw", "data_usage"]),
        AssetKey(["settings", "tax_rates"]),
    } <= invoices_parents
    assert not any(key.path[0] in ("staging", "intermediate") for key in invoices_parents)
    # a step that builds only the invoices builds the rating steps they read too
    manifest = json.loads(dbt_project.manifest_path.read_text())
    internal = internal_upstream(manifest, ["model.cablebill.invoices"])
    assert {"int_invoice_totals_rounded", "int_usage_lines_rated", "stg_cms__accounts"} <= internal
    assert "dim_accounts" not in internal  # an asset: built when selected


def test_the_gates_block_in_front_of_the_outputs_and_the_review_only_warns():
    graph = defs.resolve_asset_graph()
    specs = {
        c.name: (c.asset_key, graph.get_check_spec(c).blocking) for c in graph.asset_check_keys
    }
    deliveries, invoices = AssetKey(["ingest", "deliveries"]), AssetKey(["marts", "invoices"])
    assert specs["feeds_complete"] == (deliveries, True)
    assert specs["quarantine_review"] == (deliveries, False)
    for gate in ("invoice_arithmetic", "cycle_totals", "bill_jumps"):
        assert specs[gate] == (invoices, True), gate
    assert specs["ledger_integrity"] == (AssetKey(["ledger", "close"]), True)
    assert specs["exports_match_marts"] == (AssetKey(["exports"]), True)


def test_only_anomaly_gates_can_be_overridden_and_only_with_a_reason():
    reason = "reviewed: a new tariff took effect"
    assert parse_gate_overrides(["cycle_totals"], f" {reason} ") == {"cycle_totals": reason}
    assert parse_gate_overrides([], None) == {}
    with pytest.raises(ValueError, match="needs a reason"):
        parse_gate_overrides(["cycle_totals"], "  ")
    with pytest.raises(ValueError, match="cannot override feeds_complete"):
        parse_gate_overrides(["feeds_complete"], reason)


def test_a_run_can_override_a_setting_and_an_unknown_one_is_refused():
    assert parse_overrides(["write_off_days=30", 'etc_exempt_reasons=["moved"]']) == {
        "write_off_days": 30,
        "etc_exempt_reasons": ["moved"],
    }
    with pytest.raises(ValueError, match="write_off_dayz"):
        parse_overrides(["write_off_dayz=30"])
    for run_date in ("cycle_date=2026-11-01", "as_of=2026-11-30"):
        with pytest.raises(ValueError, match=f"cannot set '{run_date}'"):
            parse_overrides([run_date])
    with pytest.raises(ValueError, match="cannot set write_off_days: Input should be a valid int"):
        parse_overrides(["write_off_days=soon"])


def test_a_runs_parameters_are_typed_config_checked_before_it_starts(monkeypatch, tmp_path):
    """Settings and gate overrides are the run_parameters resource's config: the
    launchpad shows each setting with its default, and refuses a wrong type, a gate
    that cannot be overridden and an override without a reason."""
    monkeypatch.setenv("CABLEBILL_HOME", str(tmp_path))
    monkeypatch.setenv("CABLEBILL_INBOX", str(tmp_path / "inbox"))
    job = defs.resolve_job_def("bill_run")

    def run_config(**parameters) -> dict:
        return {"resources": {"run_parameters": {"config": parameters}}}

    assert validate_run_config(job, run_config(settings={"late_fee_pct": 3}))
    with pytest.raises(DagsterInvalidConfigError, match="late_fee_pct"):
        validate_run_config(job, run_config(settings={"late_fee_pct": "three"}))
    assert RunParameters().billing() == {
        name: value for name, value in billing_settings().items() if name not in RUN_DATES
    }
    assert RunParameters(settings={"due_days": 30}).billing()["due_days"] == 30
    accepted = RunParameters(gate_overrides={"cycle_totals": " new tariff "})
    assert accepted.gate_overrides == {"cycle_totals": "new tariff"}
    for refused, reason in (
        ({"feeds_complete": "late"}, "only cycle_totals"),
        ({"bill_jumps": " "}, "needs a reason"),
    ):
        with pytest.raises(ValidationError, match=reason):
            RunParameters(gate_overrides=refused)


def test_collections_run_daily_apart_from_the_bill_run():
    job = defs.resolve_job_def("collections_daily")
    assert job.partitions_def.name == "collection_days"
    bill_run_keys = defs.resolve_job_def("bill_run").asset_layer.executable_asset_keys
    assert AssetKey(["collections"]) not in bill_run_keys
    assert AssetKey(["exports"]) in bill_run_keys


def test_collections_models_are_dbt_assets_whose_tests_are_asset_checks():
    """The day's models are assets of the collections job, their dbt tests its checks;
    a model read before the day's recording does not depend on the ledger model that
    records the day (it reads what earlier days recorded)."""
    layer = defs.resolve_job_def("collections_daily").asset_layer
    graph = layer.asset_graph
    due = AssetKey(["collections", "dunning_actions_due"])
    recorded = AssetKey(["ledger", "ledger_dunning_actions"])
    assert {due, recorded, AssetKey(["collections"])} <= layer.executable_asset_keys
    assert AssetCheckKey(due, "row_rules_dunning_actions_due") in graph.asset_check_keys
    assert graph.get(recorded).parent_keys == {due}
    last_sent = AssetKey(["collections", "int_last_account_command"])
    assert AssetKey(["ledger", "ledger_headend_commands"]) not in graph.get(last_sent).parent_keys
    assert (
        not layer.executable_asset_keys
        & defs.resolve_job_def("bill_run").asset_layer.executable_asset_keys
    )

"""The Dagster definitions: load with `dagster dev -m orchestration.definitions`."""

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor

from orchestration.assets.collections import collections, collections_models
from orchestration.assets.dbt import accounting_models, billing_models
from orchestration.assets.ingest import ingest, ingest_deliveries
from orchestration.assets.ledger import ledger_close
from orchestration.assets.outputs import bill_run_summary, exports, statements
from orchestration.assets.quality import (
    bill_jumps,
    cycle_totals,
    exports_match_marts,
    feed_gates,
    invoice_arithmetic,
    ledger_integrity,
)
from orchestration.assets.shadow import shadow_billing
from orchestration.sensors import bill_run_on_cycle_day, collections_every_day, new_deliveries
from orchestration.settings import RunParameters, home_from_env

bill_run = define_asset_job(
    "bill_run",
    selection=AssetSelection.all() - AssetSelection.groups("collections"),
    executor_def=in_process_executor,
    description="Ingest, build and gate the cycle's invoices, close the cycle (numbered "
    "invoices and credit notes in the ledger), build the journal and finance reports, "
    "write exports and statements, and the run's summary.",
)

bill_run_preview = define_asset_job(
    "bill_run_preview",
    selection=AssetSelection.groups("ingest", "settings", "billing"),
    executor_def=in_process_executor,
    description="Ingest, build and gate the cycle's draft invoices: nothing is closed, "
    "numbered or exported. Run it any time.",
)

collections_daily = define_asset_job(
    "collections_daily",
    selection=AssetSelection.groups("collections"),
    executor_def=in_process_executor,
    description="As of a day: ingest, dunning stages, headend commands, payment retries; "
    "record what is sent once, write the day's exports and dunning notices.",
)

defs = Definitions(
    assets=[
        ingest,
        billing_models,
        ledger_close,
        accounting_models,
        exports,
        statements,
        bill_run_summary,
        collections_models,
        collections,
    ],
    asset_checks=[
        feed_gates,
        invoice_arithmetic,
        cycle_totals,
        bill_jumps,
        ledger_integrity,
        exports_match_marts,
    ],
    jobs=[bill_run, bill_run_preview, collections_daily, ingest_deliveries, shadow_billing],
    sensors=[new_deliveries, bill_run_on_cycle_day],
    schedules=[collections_every_day],
    resources={"cablebill": home_from_env(), "run_parameters": RunParameters()},
)

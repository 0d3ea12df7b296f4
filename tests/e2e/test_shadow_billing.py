"""Shadow billing of the golden cycle: a VAT change (the command) and a price change
(the Dagster job), each account's difference computed by hand from the golden
scenario's invoices (tests/golden/README.md); the home is not written."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dagster import DagsterInstance

from orchestration.assets.shadow import shadow_billing
from orchestration.settings import DBT_PROJECT_DIR, CablebillHome
from tests.e2e import cablebill

pytestmark = pytest.mark.slow

CYCLE = "2026-11-01"
GOLDEN_PRODUCTS = Path(__file__).parents[1] / "golden" / "inbox" / "cms"


@pytest.fixture
def home(golden_run, tmp_path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(golden_run[0], copy)
    return copy


def _differences(out: Path) -> dict[str, tuple[Decimal, Decimal]]:
    rows = pq.read_table(out / "accounts.parquet").to_pylist()
    return {r["account_id"]: (r["charges_before"], r["charges_after"]) for r in rows}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_vat_change_is_billed_beside_the_closed_cycle(home, tmp_path):
    """Standard VAT at 12%: floor(supply x 0.12), the total truncated to 10 won.
    G01: 13,200 + 1,584 = 14,784 -> 14,780 (was 14,520).
    G05: 13,270 + floor(1,592.4) = 14,862 -> 14,860 (was 14,590).
    G19: only its 13,200 standard-rated: 25,700 + 1,584 = 27,284 -> 27,280 (was 27,020)."""
    rates = tmp_path / "vat12.csv"
    seed = (DBT_PROJECT_DIR / "seeds" / "tax_rates.csv").read_text("utf-8")
    rates.write_text(seed.replace("standard,0.10,", "standard,0.12,"), "utf-8")
    warehouse = _sha256(home / "warehouse.duckdb")
    out = tmp_path / "out"
    shown = cablebill(
        "shadow",
        "--home",
        str(home),
        "--cycle",
        CYCLE,
        "--tax-rates",
        str(rates),
        "--out",
        str(out),
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert f"shadow billing of closed cycle {CYCLE}: VAT rates: vat12.csv" in shown.stdout
    found = _differences(out)
    assert found["G01"] == (Decimal("14520.00"), Decimal("14780.00"))
    assert found["G05"] == (Decimal("14590.00"), Decimal("14860.00"))
    assert found["G19"] == (Decimal("27020.00"), Decimal("27280.00"))
    assert _sha256(home / "warehouse.duckdb") == warehouse
    report = (out / "report.html").read_text("utf-8")
    assert "섀도 과금 보고서" in report and "<svg" in report
    for name in ("accounts.csv", "by_product.csv", "by_product.parquet"):
        assert (out / name).stat().st_size > 0
    bad = tmp_path / "bad.csv"
    bad.write_text(seed.replace("standard,0.10,", "standard,ten,"), "utf-8")
    refused = cablebill("shadow", "--home", str(home), "--cycle", CYCLE, "--tax-rates", str(bad))
    assert refused.returncode == 2 and "--out" in refused.stderr
    refused = cablebill(
        "shadow", "--home", str(home), "--cycle", CYCLE, "--tax-rates", str(bad), "--out", "x"
    )
    assert refused.returncode == 2 and f"{bad} row 1: " in refused.stderr


def test_a_price_change_is_billed_by_the_dagster_job(home, tmp_path):
    """BASE from 13,200 to 14,300.
    G01: 14,300 + 1,430 = 15,730 (was 14,520).
    G05: 14,300 x 26/31 = 11,993.55 -> 11,993; + box 2,200 = 14,193; VAT 1,419;
    15,612 -> 15,610 (was 14,590).
    G06 (BASE2) is not affected: 13,310."""
    (products,) = GOLDEN_PRODUCTS.glob("*/products.csv")
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(
        products.read_text("utf-8").replace(
            "BASE,BASE 상품,BASE product,base_package,monthly,13200,",
            "BASE,BASE 상품,BASE product,base_package,monthly,14300,",
        ),
        "utf-8",
    )
    out = tmp_path / "out"
    result = shadow_billing.execute_in_process(
        run_config={
            "ops": {
                "shadow_bill": {
                    "config": {"cycle": CYCLE, "catalog": str(catalog), "out": str(out)}
                }
            }
        },
        instance=DagsterInstance.ephemeral(),
        resources={"cablebill": CablebillHome(home=str(home), inbox=str(home))},
    )
    assert result.success
    found = _differences(out)
    assert found["G01"] == (Decimal("14520.00"), Decimal("15730.00"))
    assert found["G05"] == (Decimal("14590.00"), Decimal("15610.00"))
    assert found["G06"] == (Decimal("13310.00"), Decimal("13310.00"))
    (materialized,) = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = materialized.event_specific_data.metadata
    assert metadata["accounts_affected"].value == sum(
        1 for before, after in found.values() if before != after
    )

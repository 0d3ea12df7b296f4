"""Revenue assurance finds the mismatches planted in generated feeds, and nothing
once the headend's snapshot agrees with billing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.deliveries import write_delivery
from tests.e2e import cablebill, read_csv

pytestmark = pytest.mark.slow

SERVICES = {"base_package", "premium_channel", "addon", "internet", "phone"}


def _rows(inbox: Path, feed: str, entity: str) -> list[dict]:
    return [
        row
        for path in sorted((inbox / feed).glob(f"*/{entity}.csv"))
        for row in csv.DictReader(path.open(encoding="utf-8"))
    ]


def _held(inbox: Path, day: str) -> set[tuple[str, str]]:
    """Service products each account subscribes to on `day`, read from the files (the
    planted subscription of an unknown account is quarantined: left out)."""
    accounts = {a["account_id"] for a in _rows(inbox, "cms", "accounts")}
    services = {
        p["product_code"] for p in _rows(inbox, "cms", "products") if p["product_type"] in SERVICES
    }
    return {
        (s["account_id"], s["product_code"])
        for s in _rows(inbox, "cms", "subscriptions")
        if s["product_code"] in services
        and s["account_id"] in accounts
        and s["start_date"] <= day
        and (not s["end_date"] or s["end_date"] > day)
    }


def _collect(inbox: Path, home: Path, day: str) -> dict[str, set[tuple[str, str]]]:
    result = cablebill("collect", "--inbox", str(inbox), "--as-of", day, "--home", str(home))
    assert result.returncode == 0, result.stdout + result.stderr
    found: dict[str, set] = {"authorised_not_billed": set(), "billed_not_authorised": set()}
    for r in read_csv(home / "collections" / day / "revenue_assurance.csv"):
        found[r["kind"]].add((r["account_id"], r["product_code"]))
    return found


def test_planted_mismatches_are_found_and_clean_data_reports_none(inbox, home):
    made = cablebill(
        "generate",
        "--accounts",
        "3000",
        "--seed",
        "7",
        "--cycle",
        "2026-11-01",
        "--out",
        str(inbox),
    )
    assert made.returncode == 0, made.stderr
    run = cablebill(
        "run", "--inbox", str(inbox), "--cycle", "2026-11-01", "--home", str(home), "--no-pdf"
    )
    assert run.returncode == 0, run.stdout + run.stderr

    held = _held(inbox, "2026-11-01")
    entitled = {
        (e["account_id"], e["product_code"]) for e in _rows(inbox, "headend", "entitlements")
    }
    found = _collect(inbox, home, "2026-11-01")
    assert found["authorised_not_billed"] == entitled - held != set()
    assert found["billed_not_authorised"] == held - entitled != set()

    # the headend corrects itself: a new snapshot that agrees with billing
    write_delivery(
        inbox,
        "headend",
        "20261102-0001",
        {
            "entitlements.csv": [
                {"account_id": a, "product_code": p, "as_of": "2026-11-02T00:30:00+09:00"}
                for a, p in sorted(held)
            ]
        },
        extracted_at="2026-11-02T01:00:00+09:00",
    )
    assert _collect(inbox, home, "2026-11-02") == {
        "authorised_not_billed": set(),
        "billed_not_authorised": set(),
    }

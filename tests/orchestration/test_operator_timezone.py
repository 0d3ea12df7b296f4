"""The operator's time zone is one billing setting: what a run sets, ingest reads too."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.settings import CablebillHome, billing_settings
from tests.deliveries import write_delivery

# A VOD purchase stamped without an offset: read in the operator's time zone.
PURCHASE = {
    "event_id": "V1",
    "account_id": "A1",
    "device_serial": "STB-1",
    "title_id": "T1",
    "title_name": "Movie",
    "purchase_type": "rental",
    "price_tier": "standard",
    "list_price": 5500,
    "event_ts": "2026-10-20T10:00:00",
}


def _landed_at(tmp_path: Path, inbox: Path, timezone: str) -> str:
    home = CablebillHome(home=str(tmp_path / timezone.replace("/", "-")), inbox=str(inbox))
    report = home.ingest(billing_settings() | {"operator_timezone": timezone})
    assert report.count("loaded") == 1
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        ((instant,),) = con.execute(
            "select strftime(timezone('UTC', event_ts), '%Y-%m-%d %H:%M') from raw.vod_purchases"
        ).fetchall()
    return instant


def test_a_run_s_operator_time_zone_is_the_one_ingest_reads_times_in(tmp_path: Path):
    inbox = tmp_path / "inbox"
    write_delivery(inbox, "headend", "20261101-0001", {"vod_purchases.csv": [PURCHASE]})
    assert billing_settings()["operator_timezone"] == "Asia/Seoul"
    assert _landed_at(tmp_path, inbox, "Asia/Seoul") == "2026-10-20 01:00"
    assert _landed_at(tmp_path, inbox, "Europe/London") == "2026-10-20 09:00"

"""The business-calendar seed is what the `holidays` package says today."""

from __future__ import annotations

import csv
from datetime import date

from orchestration.business_calendar import calendar_rows
from orchestration.settings import DBT_PROJECT_DIR


def test_the_seed_matches_the_holidays_package():
    with (DBT_PROJECT_DIR / "seeds" / "business_calendar.csv").open(encoding="utf-8") as fh:
        seed = [tuple(row.values()) for row in csv.DictReader(fh)]
    fresh = [
        (d.isoformat(), str(b).lower(), n.isoformat(), name) for d, b, n, name in calendar_rows()
    ]
    assert seed == fresh, "run `cablebill calendar` to regenerate the seed"


def test_known_korean_holidays_and_weekends():
    rows = {d: (business, nxt, name) for d, business, nxt, name in calendar_rows()}
    assert rows[date(2026, 9, 25)][:2] == (False, date(2026, 9, 28))  # Chuseok, then Sunday
    assert rows[date(2026, 11, 21)] == (False, date(2026, 11, 23), "")  # a Saturday
    assert rows[date(2026, 3, 2)][0] is False  # substitute day for 3.1 on a Sunday
    assert rows[date(2026, 11, 23)] == (True, date(2026, 11, 23), "")

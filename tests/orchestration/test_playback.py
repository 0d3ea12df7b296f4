"""`play` hands each delivery to the inbox when it was extracted, and played again
after a failure goes on where it stopped (the months played end to end are in
tests/e2e/test_months_of_operation.py)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from connectors.synthetic.delivery_writer import DeliveryWriter
from orchestration.playback import answered, collections_day, cycles_in, release

SEOUL = ZoneInfo("Asia/Seoul")


def _deliver(root, feed: str, delivery_id: str, at: str) -> None:
    entity = {"cms": "accounts", "payments": "refunds"}[feed]
    extracted = datetime.fromisoformat(at).replace(tzinfo=SEOUL)
    DeliveryWriter(root, feed, delivery_id, extracted, [entity]).close()


def test_deliveries_reach_the_inbox_when_extracted(tmp_path):
    feeds, inbox = tmp_path / "feeds", tmp_path / "inbox"
    _deliver(feeds, "cms", "20261001-0001", "2026-10-01T01:00:00")
    _deliver(feeds, "payments", "20261024-P2610", "2026-10-24T03:00:00")
    _deliver(feeds, "cms", "20261101-0001", "2026-11-01T01:00:00")

    moved = release(feeds, inbox, datetime(2026, 10, 24, 3, 0, tzinfo=SEOUL))

    assert [f.relative_to(inbox).as_posix() for f in moved] == [
        "cms/20261001-0001",
        "payments/20261024-P2610",
    ]
    assert (inbox / "cms" / "20261001-0001" / "_manifest.json").is_file()
    assert [f.name for f in (feeds / "cms").iterdir()] == ["20261101-0001"]
    assert release(feeds, inbox, datetime(2026, 10, 31, tzinfo=SEOUL)) == []


def test_played_again_the_months_already_handed_over_count_and_bills_are_answered_once(
    tmp_path,
):
    feeds, inbox = tmp_path / "feeds", tmp_path / "inbox"
    _deliver(feeds, "cms", "20261001-0001", "2026-10-01T01:00:00")
    _deliver(feeds, "cms", "20261101-0001", "2026-11-01T01:00:00")
    release(feeds, inbox, datetime(2026, 10, 1, 6, 0, tzinfo=SEOUL))
    # October was handed over, then its bill run failed: October is still to play
    assert cycles_in(feeds) == [date(2026, 11, 1)]
    assert cycles_in(feeds, inbox) == [date(2026, 10, 1), date(2026, 11, 1)]

    assert not answered(date(2026, 10, 1), feeds, inbox)
    _deliver(feeds, "payments", "20261024-P2610", "2026-10-24T03:00:00")
    release(feeds, inbox, datetime(2026, 10, 25, tzinfo=SEOUL))
    assert answered(date(2026, 10, 1), feeds, inbox)
    assert not answered(date(2026, 11, 1), feeds, inbox)


def test_the_collections_run_the_day_after_the_due_date_most_bills_share():
    """Two bills due on Nov 23 and one on Nov 24: the collections run on Nov 24, the
    first day the late payers of most bills are late; a cycle without bills collects
    the day after it."""
    invoices = [{"due_date": d} for d in ("2026-11-23", "2026-11-24", "2026-11-23")]
    assert collections_day(invoices, date(2026, 11, 1)) == date(2026, 11, 24)
    assert collections_day([], date(2026, 11, 1)) == date(2026, 11, 2)

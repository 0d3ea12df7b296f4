"""Whether a bill cycle's feeds have arrived, read from the inbox's manifests.

The bill-run sensor asks this before it starts a cycle, without opening the
warehouse (a run may be writing it): every feed of `required_feeds` delivered since
the previous cycle of the same day (a delivery extracted after it), and the latest
delivery of each feed of `period_end_feeds` extracted at or after the period's end.
The `feeds_complete` gate checks the same against what was loaded, and blocks.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.contract import FEEDS
from connectors.manifest import MANIFEST


def latest_extracts(inbox: Path, tz: ZoneInfo) -> dict[str, list[datetime]]:
    """Each feed's deliveries' extraction times, from their manifests (unreadable
    manifests, and those that resolve outside the inbox, are left to ingestion, which
    rejects them with the reason)."""
    extracts: dict[str, list[datetime]] = {feed: [] for feed in FEEDS}
    root = inbox.resolve()
    for feed in FEEDS:
        for manifest in sorted((inbox / feed).glob(f"*/{MANIFEST}")):
            if not manifest.resolve().is_relative_to(root):
                continue
            try:
                doc = json.loads(manifest.read_text("utf-8-sig"))
                stamp = datetime.fromisoformat(doc["extracted_at"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            extracts[feed].append(stamp if stamp.tzinfo else stamp.replace(tzinfo=tz))
    return extracts


def missing_feeds(
    inbox: Path,
    cycle: date,
    previous_cycle: date,
    tz: ZoneInfo,
    required: list[str],
    period_end_feeds: list[str],
) -> list[str]:
    """Why cycle `cycle` cannot start yet, one reason per feed; empty when it can."""
    extracts = latest_extracts(inbox, tz)
    period_end = datetime.combine(cycle, time(), tz)
    since = datetime.combine(previous_cycle, time(), tz)
    reasons = []
    for feed in required:
        if not any(stamp > since for stamp in extracts.get(feed, [])):
            reasons.append(f"{feed}: nothing delivered since {previous_cycle}")
    for feed in period_end_feeds:
        latest = max(extracts.get(feed, []), default=None)
        if latest is not None and since < latest < period_end:
            reasons.append(
                f"{feed}: latest extract {latest:%Y-%m-%d %H:%M} is before the period end {cycle}"
            )
    return reasons

"""Dismissing a refused delivery: ops decide it will not come again, and say why.

A delivery refused whole blocks every later bill run until it arrives whole. When
the sending system cannot redeliver it (the extract was wrong and a later one
supersedes it), ops dismiss it with a reason; the dismissal is kept beside the
refusal in `ingest.dismissals`, and the feed gate stops counting it. A delivery id
that came again with other content (`delivery_conflict`) blocks until dismissed,
although its first content is loaded: the second content is never billed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from connectors.warehouse import INGEST_SCHEMA, connect


@dataclass(frozen=True)
class Dismissal:
    feed: str
    delivery_id: str
    reason: str
    dismissed_at: datetime
    newly_dismissed: bool


class CannotDismiss(ValueError):
    """The delivery is not one that can be dismissed; the message says why."""


def dismiss_refused_delivery(
    warehouse: Path, feed: str, delivery_id: str, reason: str, operator_timezone: str
) -> Dismissal:
    """Record that the refused delivery `feed`/`delivery_id` is dismissed for `reason`.

    Dismissing it again keeps the first dismissal. Raises CannotDismiss when the
    reason is empty, the delivery was never refused, or it has since been loaded.
    """
    reason = reason.strip()
    if not reason:
        raise CannotDismiss("a dismissal needs a reason (--reason)")
    con = connect(warehouse, operator_timezone)
    try:
        (refused,) = con.execute(
            f"select count(*) from {INGEST_SCHEMA}.rejections where feed = ? and delivery_id = ?",
            [feed, delivery_id],
        ).fetchall()[0]
        if not refused:
            raise CannotDismiss(f"delivery {feed}/{delivery_id} was never refused")
        (loaded,) = con.execute(
            f"select count(*) from {INGEST_SCHEMA}.deliveries as d "
            "where feed = ? and delivery_id = ? and not exists ("
            f"    select 1 from {INGEST_SCHEMA}.rejections as r where r.feed = d.feed"
            "    and r.delivery_id = d.delivery_id and r.reason_code = 'delivery_conflict')",
            [feed, delivery_id],
        ).fetchall()[0]
        if loaded:
            raise CannotDismiss(
                f"delivery {feed}/{delivery_id} was delivered again whole and loaded"
            )
        inserted = con.execute(
            f"insert into {INGEST_SCHEMA}.dismissals values (?, ?, ?, now()) "
            "on conflict do nothing returning feed",
            [feed, delivery_id, reason],
        ).fetchall()
        kept_reason, dismissed_at = con.execute(
            f"select reason, dismissed_at from {INGEST_SCHEMA}.dismissals "
            "where feed = ? and delivery_id = ?",
            [feed, delivery_id],
        ).fetchall()[0]
    finally:
        con.close()
    return Dismissal(feed, delivery_id, kept_reason, dismissed_at, bool(inserted))

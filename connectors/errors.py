"""Errors a delivery can raise. Each names the delivery and, where known, the file."""

from __future__ import annotations


class DeliveryRejected(Exception):
    """The whole delivery is refused: nothing of it is loaded."""

    def __init__(
        self, feed: str, delivery_id: str, reason_code: str, detail: str, file: str | None = None
    ):
        self.feed, self.delivery_id = feed, delivery_id
        self.reason_code, self.detail, self.file = reason_code, detail, file
        where = f"{feed}/{delivery_id}" + (f"/{file}" if file else "")
        super().__init__(f"delivery {where} rejected ({reason_code}): {detail}")


class DeliveryConflict(DeliveryRejected):
    """A delivery id already loaded arrived again with different content."""

"""Write one delivery folder: entity files streamed as CSV, then the manifest."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from connectors.contract import entity as contract_entity
from connectors.manifest import MANIFEST, sha256_of


class DeliveryWriter:
    """Streams rows per entity into `<inbox>/<feed>/<delivery_id>/<entity>.csv`."""

    def __init__(
        self, inbox: Path, feed: str, delivery_id: str, extracted_at: datetime, entities: list[str]
    ):
        self.folder = inbox / feed / delivery_id
        self.folder.mkdir(parents=True, exist_ok=True)
        self.feed, self.delivery_id, self.extracted_at = feed, delivery_id, extracted_at
        self._files, self._writers, self._rows, self._columns = {}, {}, {}, {}
        for name in entities:
            columns = [c.name for c in contract_entity(feed, name).columns]
            fh = (self.folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            self._files[name], self._writers[name] = fh, writer
            self._rows[name], self._columns[name] = 0, columns

    def write(self, entity: str, rows: list[dict]) -> None:
        columns = self._columns[entity]
        self._writers[entity].writerows([_text(row.get(c)) for c in columns] for row in rows)
        self._rows[entity] += len(rows)

    def close(self) -> Path:
        files = {}
        for name, fh in self._files.items():
            fh.close()
            path = self.folder / f"{name}.csv"
            files[path.name] = {"rows": self._rows[name], "sha256": sha256_of(path)}
        manifest = {
            "feed": self.feed,
            "delivery_id": self.delivery_id,
            "extracted_at": self.extracted_at.isoformat(),
            "files": files,
        }
        (self.folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        return self.folder


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)

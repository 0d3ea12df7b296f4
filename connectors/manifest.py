"""Reading and verifying a delivery's `_manifest.json` against the files beside it."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from connectors.contract import FEEDS, FILE_FORMATS, SNAPSHOT_FEEDS, entities_of
from connectors.errors import DeliveryRejected

MANIFEST = "_manifest.json"


@dataclass(frozen=True)
class ManifestFile:
    name: str
    entity: str
    format: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    feed: str
    delivery_id: str
    extracted_at: datetime
    files: tuple[ManifestFile, ...]
    path: Path

    @property
    def fingerprint(self) -> str:
        """A digest of the delivery's content: its files' names and checksums."""
        text = "\n".join(f"{f.name}:{f.sha256}" for f in sorted(self.files, key=lambda f: f.name))
        return hashlib.sha256(text.encode()).hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path, operator_tz, checksums: bool = True) -> Manifest:
    """Parse and check the manifest of the delivery in `folder` (`<inbox>/<feed>/<id>/`).

    Checks the manifest's own shape, that it names the folder's feed and id, and
    that every file it names exists with a known entity and format, and, with
    `checksums`, that the checksums match (without, the files are not read: the
    manifest's are taken as they are). Row counts are checked by the reader, which
    counts rows.
    """
    feed, delivery_id = folder.parent.name, folder.name

    def reject(code: str, detail: str, file: str | None = None) -> DeliveryRejected:
        return DeliveryRejected(feed, delivery_id, code, detail, file)

    _require_inside_inbox(folder, reject)
    path = folder / MANIFEST
    if not path.is_file():
        raise reject("manifest_missing", f"no {MANIFEST} in {folder}")
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise reject("manifest_unparsable", f"{MANIFEST} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise reject("manifest_unparsable", f"{MANIFEST} must be a JSON object")
    missing = [k for k in ("feed", "delivery_id", "extracted_at", "files") if k not in doc]
    if missing:
        raise reject("manifest_invalid", f"{MANIFEST} lacks {', '.join(missing)}")
    if doc["feed"] not in FEEDS:
        raise reject("manifest_invalid", f"unknown feed {doc['feed']!r}")
    if doc["feed"] != feed or str(doc["delivery_id"]) != delivery_id:
        raise reject(
            "manifest_invalid",
            f"manifest says {doc['feed']}/{doc['delivery_id']} but the folder is "
            f"{feed}/{delivery_id}",
        )
    try:
        extracted_at = datetime.fromisoformat(str(doc["extracted_at"]))
    except ValueError:
        raise reject(
            "manifest_invalid", f"extracted_at {doc['extracted_at']!r} is not an ISO 8601 timestamp"
        ) from None
    if extracted_at.tzinfo is None:
        extracted_at = extracted_at.replace(tzinfo=operator_tz)
    if not isinstance(doc["files"], dict) or not doc["files"]:
        raise reject("manifest_invalid", "files must be a non-empty object")

    known = {e.name for e in entities_of(feed)}
    files = []
    for name, meta in sorted(doc["files"].items()):
        entity, _, fmt = name.partition(".")
        if entity not in known:
            raise reject("unknown_entity", f"{name} is not an entity of feed {feed}", name)
        if fmt not in FILE_FORMATS:
            raise reject("unknown_format", f"{name}: format must be one of {FILE_FORMATS}", name)
        if (
            not isinstance(meta, dict)
            or not isinstance(meta.get("rows"), int)
            or not isinstance(meta.get("sha256"), str)
        ):
            raise reject("manifest_invalid", f"{name}: needs integer rows and sha256", name)
        if not (folder / name).is_file():
            raise reject("file_missing", f"{name} is named in the manifest but absent", name)
        declared = meta["sha256"].lower()
        if checksums and (actual := sha256_of(folder / name)) != declared:
            raise reject(
                "checksum_mismatch",
                f"{name}: sha256 is {actual}, manifest says {meta['sha256']}",
                name,
            )
        files.append(ManifestFile(name, entity, fmt, meta["rows"], declared))

    delivered = {f.entity for f in files}
    if len(delivered) != len(files):
        raise reject("manifest_invalid", "an entity is delivered in more than one file")
    required = {e.name for e in entities_of(feed) if not e.optional}
    if feed in SNAPSHOT_FEEDS and not required <= delivered:
        absent = ", ".join(sorted(required - delivered))
        raise reject(
            "snapshot_incomplete", f"a {feed} snapshot must carry every entity; missing {absent}"
        )
    unlisted = [p for p in _contents(folder) if p not in {MANIFEST, *doc["files"]}]
    if unlisted:
        raise reject("file_unlisted", f"files not named in the manifest: {', '.join(unlisted)}")
    return Manifest(feed, delivery_id, extracted_at, tuple(files), folder)


def _contents(folder: Path) -> list[str]:
    """Everything in a delivery folder but its subfolders themselves, at any depth, as
    paths relative to it; a link to a folder counts as one entry, never followed."""
    found = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        entries = [here / d for d in dirs if (here / d).is_symlink()] + [here / f for f in files]
        found += [p.relative_to(folder).as_posix() for p in entries]
    return sorted(found)


def _require_inside_inbox(folder: Path, reject) -> None:
    """A delivery folder, or anything in it, that resolves outside the inbox (through a
    link) rejects the delivery whole: nothing outside the inbox is ever read."""
    inbox = folder.parent.parent.resolve()
    for entry in ["", *_contents(folder)]:
        path = folder / entry
        if not path.resolve().is_relative_to(inbox):
            where = entry or "the delivery folder"
            raise reject("outside_inbox", f"{where} resolves outside the inbox", entry or None)

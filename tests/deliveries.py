"""Build contract deliveries in tests, with manifests that match (or deliberately don't)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pyarrow.parquet as pq

from connectors.contract import entities_of, entity
from orchestration.settings import billing_settings

EXTRACTED_AT = "2026-11-01T01:00:00+09:00"
# The operator's time zone, as the dbt project sets it.
OPERATOR_TIMEZONE = billing_settings()["operator_timezone"]


def csv_bytes(rows: list[dict], columns: list[str] | None = None) -> bytes:
    columns = columns or (list(rows[0]) if rows else [])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return buf.getvalue().encode()


def write_delivery(
    inbox: Path,
    feed: str,
    delivery_id: str,
    files: dict[str, list[dict] | bytes],
    extracted_at: str = EXTRACTED_AT,
    manifest: dict | None = None,
) -> Path:
    """Write `<inbox>/<feed>/<delivery_id>/` with one file per entry of `files`.

    Row lists become CSV with every contract column; bytes are written as they are.
    For a cms delivery, entities not given are written empty. The manifest
    matches the files unless `manifest` overrides part of it.
    """
    folder = inbox / feed / delivery_id
    folder.mkdir(parents=True, exist_ok=True)
    if feed == "cms":
        for e in entities_of("cms"):
            files.setdefault(f"{e.name}.csv", [])
    listed = {}
    for name, content in files.items():
        if isinstance(content, list):
            columns = [c.name for c in entity(feed, name.split(".")[0]).columns]
            content = csv_bytes(content, columns)
        (folder / name).write_bytes(content)
        listed[name] = {"rows": _rows(folder / name), "sha256": hashlib.sha256(content).hexdigest()}
    doc = {
        "feed": feed,
        "delivery_id": delivery_id,
        "extracted_at": extracted_at,
        "files": listed,
    }
    doc.update(manifest or {})
    (folder / "_manifest.json").write_text(json.dumps(doc))
    return folder


def _rows(path: Path) -> int:
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        return sum(1 for line in text.splitlines() if line.strip())
    csv.field_size_limit(1 << 30)  # the bad-input sweep writes a field of a megabyte
    return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)


def account(account_id: str = "A1", **overrides) -> dict:
    row = {
        "account_id": account_id,
        "customer_type": "residential",
        "name": "홍길동",
        "address": "서울특별시 중구 세종대로 110",
        "region_code": "SEOUL-GN",
        "bill_cycle_day": 1,
        "currency": "KRW",
        "language": "ko",
        "payment_method": "card",
        "card_last4": "1234",
        "status": "active",
        "created_at": "2025-01-01T10:00:00+09:00",
    }
    row.update(overrides)
    return row


def product(code: str, price: int, **overrides) -> dict:
    row = {
        "product_code": code,
        "name_ko": f"{code} 상품",
        "name_en": f"{code} product",
        "product_type": "base_package",
        "charge_type": "monthly",
        "price": price,
        "currency": "KRW",
        "tax_category": "standard",
        "gl_revenue_account": "410100",
        "valid_from": "2024-01-01",
    }
    row.update(overrides)
    return row


def subscription(sub_id: str, account_id: str, code: str, start: str, **overrides) -> dict:
    row = {
        "subscription_id": sub_id,
        "account_id": account_id,
        "product_code": code,
        "quantity": 1,
        "start_date": start,
    }
    row.update(overrides)
    return row


def usage_extract(inbox: Path, delivery_id: str, extracted_at: str = EXTRACTED_AT) -> Path:
    """A night's headend extract with no usage in it: the bill run's feed gate wants
    a headend delivery extracted at or after the period's end."""
    return write_delivery(
        inbox, "headend", delivery_id, {"vod_purchases.csv": []}, extracted_at=extracted_at
    )


QUIET_FILES = {"payments": "card_settlements.csv", "crm": "adjustments.csv"}


def quiet_extracts(
    inbox: Path,
    delivery_id: str,
    extracted_at: str = EXTRACTED_AT,
    feeds: tuple[str, ...] = ("payments", "crm"),
) -> None:
    """A night's extract of each of `feeds` with nothing in it: the feed gate wants every
    feed to have delivered since the previous bill run."""
    for feed in feeds:
        write_delivery(inbox, feed, delivery_id, {QUIET_FILES[feed]: []}, extracted_at=extracted_at)

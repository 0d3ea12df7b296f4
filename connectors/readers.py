"""Read a delivered file as batches of text columns, numbered by data row.

Every format arrives as strings so that validation is one piece of SQL for
all of them. `_row_number` is the 1-based data record number (the CSV header
is not counted). Rows that cannot even be parsed come back as `Malformed`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from connectors.errors import DeliveryRejected

BATCH_ROWS = 1_000_000
ROW_NUMBER = "_row_number"


@dataclass(frozen=True)
class Malformed:
    row_number: int | None
    detail: str
    text: str


@dataclass
class FileRead:
    columns: list[str]
    batches: Iterator[pa.RecordBatch]
    malformed: list[Malformed]


def read_file(path: Path, fmt: str, feed: str, delivery_id: str) -> FileRead:
    """Open `path` for reading; raises DeliveryRejected when it cannot be read at all."""
    try:
        if fmt == "csv":
            return _read_csv(path)
        if fmt == "jsonl":
            return _read_jsonl(path)
        return _read_parquet(path)
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
        raise DeliveryRejected(
            feed,
            delivery_id,
            "file_unreadable",
            f"{path.name} cannot be read as {fmt}: {exc}",
            path.name,
        ) from None


def _numbered(
    batches: Iterator[pa.RecordBatch], columns: list[str], skipped: list[Malformed] = ()
) -> Iterator[pa.RecordBatch]:
    """Number rows 1, 2, ... in file order, leaving out the numbers of skipped rows.

    `skipped` may grow while the batches are read: the CSV reader reports a
    malformed row before it yields the batch the row was dropped from.
    """
    number = 0
    for batch in batches:
        ahead = {m.row_number for m in skipped if m.row_number and m.row_number > number}
        if not ahead or min(ahead) > number + batch.num_rows:
            numbers = list(range(number + 1, number + batch.num_rows + 1))
        else:
            numbers = []
            candidate = number
            while len(numbers) < batch.num_rows:
                candidate += 1
                if candidate not in ahead:
                    numbers.append(candidate)
        number = numbers[-1] if numbers else number
        numbers = pa.array(numbers, pa.int64())
        arrays = [batch.column(name) for name in columns] + [numbers]
        yield pa.RecordBatch.from_arrays(arrays, names=[*columns, ROW_NUMBER])


def _read_csv(path: Path) -> FileRead:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise pa.ArrowInvalid("the file has no header row")
    if len(set(header)) != len(header):
        raise pa.ArrowInvalid("the header names a column twice")
    malformed: list[Malformed] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        malformed.append(
            Malformed(
                row.number - 1 if row.number is not None else None,
                f"expected {row.expected_columns} fields, found {row.actual_columns}",
                row.text,
            )
        )
        return "skip"

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=64 << 20, use_threads=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )
    return FileRead(header, _numbered(_rebatch(reader), header, malformed), malformed)


def _rebatch(reader) -> Iterator[pa.RecordBatch]:
    for batch in reader:
        if batch.num_rows:
            yield batch


def _read_jsonl(path: Path) -> FileRead:
    malformed: list[Malformed] = []
    columns: list[str] = []
    rows: list[dict] = []
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line, parse_float=str, parse_int=str)
            except json.JSONDecodeError as exc:
                malformed.append(Malformed(number, f"not a JSON object: {exc.msg}", line))
                continue
            if not isinstance(obj, dict):
                malformed.append(Malformed(number, "not a JSON object", line))
                continue
            row = {k: _json_text(v) for k, v in obj.items()}
            row[ROW_NUMBER] = number
            for key in row:
                if key not in columns and key != ROW_NUMBER:
                    columns.append(key)
            rows.append(row)

    def batches() -> Iterator[pa.RecordBatch]:
        for i in range(0, len(rows), BATCH_ROWS):
            chunk = rows[i : i + BATCH_ROWS]
            arrays = [pa.array([r.get(c) for r in chunk], pa.string()) for c in columns]
            arrays.append(pa.array([r[ROW_NUMBER] for r in chunk], pa.int64()))
            yield pa.RecordBatch.from_arrays(arrays, names=[*columns, ROW_NUMBER])

    return FileRead(columns, batches(), malformed)


def _json_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _read_parquet(path: Path) -> FileRead:
    parquet = pq.ParquetFile(path)
    columns = list(parquet.schema_arrow.names)
    for field in parquet.schema_arrow:
        if pa.types.is_floating(field.type):
            raise pa.ArrowInvalid(f"column {field.name} is a float; numbers must be exact")

    def as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
        arrays = [
            col if pa.types.is_string(col.type) else col.cast(pa.string()) for col in batch.columns
        ]
        return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)

    batches = (as_text(b) for b in parquet.iter_batches(batch_size=BATCH_ROWS))
    return FileRead(columns, _numbered(batches, columns), [])

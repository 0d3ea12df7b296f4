"""Ingest an inbox: verify each delivery, quarantine bad rows, land the rest atomically.

A delivery is loaded in one warehouse transaction: either all its good rows and
its quarantine are recorded, or nothing is. Its good rows are also written as
Parquet under the landing folder, and its quarantine under the quarantine folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from connectors import pii
from connectors.contract import FEEDS, PII_CHECKED_TYPES, Entity, entity
from connectors.errors import DeliveryConflict, DeliveryRejected
from connectors.manifest import Manifest, ManifestFile, read_manifest, sha256_of
from connectors.readers import ROW_NUMBER, read_file
from connectors.registration import is_valid_brn
from connectors.validate import DEFAULT_RULES, EXTRA, Rules, checked_sql, q, sql_type
from connectors.warehouse import INGEST_SCHEMA, connect, raw_table

log = logging.getLogger(__name__)

# cms entities others refer to are checked first.
_FIRST = ("accounts", "products")
# Rows typed and checked at a time: a file of any size is validated in bounded memory.
CHUNK_ROWS = 2_000_000


@dataclass(frozen=True)
class DeliveryResult:
    feed: str
    delivery_id: str
    status: str  # loaded / skipped / rejected
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reason: str | None = None
    # entity -> (rows loaded, rows quarantined)
    entities: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class IngestReport:
    deliveries: list[DeliveryResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for d in self.deliveries if d.status == status)

    @property
    def rows_loaded(self) -> int:
        return sum(d.rows_loaded for d in self.deliveries)

    @property
    def rows_quarantined(self) -> int:
        return sum(d.rows_quarantined for d in self.deliveries)

    def entity_rows(self, name: str) -> tuple[int, int]:
        """(rows loaded, rows quarantined) of entity `name` in this ingest."""
        counts = [d.entities.get(name, (0, 0)) for d in self.deliveries]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)


def delivery_folders(inbox: Path) -> list[Path]:
    """Every delivery folder in `inbox`, cms first, then by delivery id."""
    return [
        d
        for feed in FEEDS
        if (inbox / feed).is_dir()
        for d in sorted((inbox / feed).iterdir())
        if d.is_dir()
    ]


def ingest_inbox(
    inbox: Path,
    warehouse: Path,
    home: Path,
    operator_timezone: str,
    rules: Rules = DEFAULT_RULES,
) -> IngestReport:
    """Ingest every delivery in `inbox` into `warehouse`, its rows checked as `rules`
    say (the longest a field may be, the currencies billed in), its local dates in
    `operator_timezone` (the setting of that name); safe to run again."""
    report = IngestReport()
    con = connect(warehouse, operator_timezone)
    try:
        for folder in delivery_folders(inbox):
            result = ingest_delivery(con, folder, home, ZoneInfo(operator_timezone), rules)
            report.deliveries.append(result)
    finally:
        con.close()
    return report


def ingest_delivery(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    home: Path,
    operator_tz: ZoneInfo,
    rules: Rules = DEFAULT_RULES,
) -> DeliveryResult:
    feed, delivery_id = folder.parent.name, folder.name
    try:
        # A delivery loaded before is known by its manifest (its id and the checksums
        # it declares): its files, checked when it was loaded, are not read again.
        declared = read_manifest(folder, operator_tz, checksums=False)
        loaded = con.execute(
            f"select fingerprint from {INGEST_SCHEMA}.deliveries "
            "where feed = ? and delivery_id = ?",
            [feed, delivery_id],
        ).fetchone()
        if loaded and loaded[0] == declared.fingerprint:
            log.info("delivery %s/%s already loaded: skipped", feed, delivery_id)
            return DeliveryResult(feed, delivery_id, "skipped")
        manifest = read_manifest(folder, operator_tz)
        if loaded:
            raise DeliveryConflict(
                feed,
                delivery_id,
                "delivery_conflict",
                "this delivery id was already loaded with different content; "
                "a correction needs a new delivery id",
            )
        return _load(con, manifest, home, rules)
    except DeliveryRejected as exc:
        log.error("%s", pii.mask(str(exc)))
        _record_rejection(con, folder, exc)
        return DeliveryResult(feed, delivery_id, "rejected", reason=pii.mask(str(exc)))


class CandidateRejected(ValueError):
    """A candidate file (shadow billing's) has rows a delivery would quarantine."""


def replace_snapshot_entity(
    con: duckdb.DuckDBPyConnection, path: Path, feed: str, name: str, rules: Rules = DEFAULT_RULES
) -> int:
    """Replace the rows of snapshot entity `feed`.`name` in the newest delivery of
    `feed` with those of file `path`, checked as a delivery's rows are; their count.

    For shadow billing's candidate catalog, in a scratch warehouse. When any row is
    not good nothing is replaced: CandidateRejected names the file, and each bad row
    with its reason."""
    ent = entity(feed, name)
    newest = con.execute(
        f"select delivery_id, extracted_at from {INGEST_SCHEMA}.deliveries where feed = ? "
        "order by extracted_at desc, delivery_id desc limit 1",
        [feed],
    ).fetchone()
    if newest is None:
        raise CandidateRejected(f"{path}: no {feed} delivery is loaded to replace {name} in")
    fmt = {".csv": "csv", ".jsonl": "jsonl"}.get(path.suffix, "parquet")
    try:
        read = read_file(path, fmt, feed, newest[0])
        rows = sum(batch.num_rows for batch in read.batches) + len(read.malformed)
    except DeliveryRejected as error:
        raise CandidateRejected(f"{path}: {error.detail}") from None
    file = ManifestFile(path.name, name, fmt, rows, sha256_of(path))
    manifest = Manifest(feed, newest[0], newest[1], (file,), path.parent)
    scratch = con.cursor()
    ((zone,),) = con.execute("select current_setting('TimeZone')").fetchall()
    scratch.execute("set TimeZone = ?", [zone])
    con.begin()
    try:
        con.execute(f"delete from {raw_table(ent)} where _delivery_id = ?", [newest[0]])
        con.execute(
            f"delete from {INGEST_SCHEMA}.quarantine "
            "where feed = ? and delivery_id = ? and entity = ?",
            [feed, newest[0], name],
        )
        good, bad = _load_file(con, scratch, manifest, file, ent, rules)
        reasons = con.execute(
            f"select row_number, reason_code, detail from {INGEST_SCHEMA}.quarantine "
            "where feed = ? and delivery_id = ? and entity = ? order by row_number",
            [feed, newest[0], name],
        ).fetchall()
    except DeliveryRejected as error:
        con.rollback()
        raise CandidateRejected(f"{path}: {error.detail}") from None
    except BaseException:
        con.rollback()
        raise
    finally:
        scratch.close()
    if bad:
        con.rollback()
        listed = "; ".join(f"row {n} ({code}): {pii.mask(detail)}" for n, code, detail in reasons)
        raise CandidateRejected(f"{path}: {bad} row(s) not good: {listed}")
    con.commit()
    return good


def _folder_fingerprint(folder: Path) -> str:
    """What a refused delivery holds, to record it once per content: its files' names
    and checksums; a file that resolves outside the inbox by where it is, unread."""
    inbox = folder.parent.parent.resolve()
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        target = path.resolve()
        content = sha256_of(path) if target.is_relative_to(inbox) else f"outside: {target}"
        digest.update(f"{path.name}:{content}\n".encode())
    return digest.hexdigest()


def _record_rejection(con, folder: Path, exc: DeliveryRejected) -> None:
    con.execute(
        f"insert or ignore into {INGEST_SCHEMA}.rejections values (?, ?, ?, ?, ?, ?)",
        [
            exc.feed,
            exc.delivery_id,
            _folder_fingerprint(folder),
            exc.file,
            exc.reason_code,
            pii.mask(exc.detail),
        ],
    )


def _load(con, manifest: Manifest, home: Path, rules: Rules) -> DeliveryResult:
    staging = home / "landing" / ".staging" / manifest.feed / manifest.delivery_id
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    files = sorted(
        manifest.files,
        key=lambda f: (_FIRST.index(f.entity) if f.entity in _FIRST else len(_FIRST), f.entity),
    )
    # Rows are checked in `scratch`'s temporary tables, outside the delivery's
    # transaction: each chunk's tables are freed as soon as they are replaced.
    scratch = con.cursor()
    ((zone,),) = con.execute("select current_setting('TimeZone')").fetchall()
    scratch.execute("set TimeZone = ?", [zone])
    con.begin()
    try:
        loaded = quarantined = 0
        entities: dict[str, tuple[int, int]] = {}
        for mf in files:
            ent = entity(manifest.feed, mf.entity)
            good, bad = _load_file(con, scratch, manifest, mf, ent, rules)
            loaded, quarantined = loaded + good, quarantined + bad
            before = entities.get(ent.name, (0, 0))
            entities[ent.name] = (before[0] + good, before[1] + bad)
            log.info(
                "%s/%s %s: %d rows loaded, %d quarantined",
                manifest.feed,
                manifest.delivery_id,
                mf.name,
                good,
                bad,
            )
            _land(con, ent, manifest, staging)
        con.execute(
            f"insert into {INGEST_SCHEMA}.deliveries values (?, ?, ?, ?, ?, ?, ?)",
            [
                manifest.feed,
                manifest.delivery_id,
                manifest.extracted_at,
                manifest.fingerprint,
                json.dumps({f.name: {"rows": f.rows, "sha256": f.sha256} for f in files}),
                loaded,
                quarantined,
            ],
        )
        con.commit()
    except BaseException:
        con.rollback()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        scratch.close()
    _publish(staging, home / "landing", manifest)
    return DeliveryResult(
        manifest.feed, manifest.delivery_id, "loaded", loaded, quarantined, entities=entities
    )


def _load_file(con, scratch, manifest: Manifest, mf, ent: Entity, rules: Rules) -> tuple[int, int]:
    """Validate one file chunk by chunk in `scratch`, load its good rows through `con`;
    (good, quarantined).

    A chunk of at most CHUNK_ROWS rows is typed and checked at a time, so a file of
    any size is validated in bounded memory. Keys seen in earlier chunks are kept in
    `keys_<entity>` so that a key repeated anywhere in the file is caught; those of
    accounts and products stay for the rest of the delivery, for its references.
    """
    read = read_file(manifest.path / mf.name, mf.format, manifest.feed, manifest.delivery_id)
    missing = [c for c in ent.required if c not in read.columns]
    if missing:
        raise DeliveryRejected(
            manifest.feed,
            manifest.delivery_id,
            "missing_column",
            f"{mf.name} lacks required column(s) {', '.join(missing)}",
            mf.name,
        )
    # the entity's scratch tables, named after it (quoted, as every name here)
    incoming, checked, keys, currencies = (
        q(f"{stage}_{ent.name}") for stage in ("incoming", "checked", "keys", "currency")
    )
    key_cols = ", ".join(f"{q(f't_{k}')} {sql_type(ent.column(k))}" for k in ent.key)
    scratch.execute(f"create or replace temp table {keys} ({key_cols}, first_row bigint)")
    if ent.name in _FIRST:  # their currencies, for the subscriptions of the snapshot
        scratch.execute(
            f"create or replace temp table {currencies} (code varchar, currency varchar)"
        )
    rows = good = bad = 0
    for chunk in _chunks(read.batches):
        chunk = _pack_extras(chunk, ent)
        present = chunk.column_names[:-1]
        scratch.register("_chunk", chunk)
        scratch.execute(f"create or replace temp table {incoming} as select * from _chunk")
        scratch.unregister("_chunk")
        rows += chunk.num_rows
        checks = checked_sql(ent, incoming, present, rules)
        scratch.execute(f"create or replace temp table {checked} as {checks}")
        _flag_pii(scratch, ent, incoming, checked, present)
        _flag_python_checks(scratch, ent, checked)
        _flag_duplicates(scratch, ent, checked, keys)
        _flag_references(scratch, ent, checked)
        _flag_foreign_product(scratch, ent, checked)
        _flag_foreign_currency(scratch, ent, checked)
        _flag_second_opening_balance(scratch, ent, checked)
        if ent.name in _FIRST:
            scratch.execute(
                f"insert into {currencies} select {q(f't_{ent.key[0]}')}, t_currency "
                f"from {checked} where _reason is null"
            )
        good += _insert_good(con, scratch, manifest, ent, checked)
        bad += _quarantine(con, scratch, manifest, mf.name, ent, checked, read.columns)
    rows += len(read.malformed)
    if rows != mf.rows:
        raise DeliveryRejected(
            manifest.feed,
            manifest.delivery_id,
            "row_count_mismatch",
            f"{mf.name} has {rows} rows, the manifest says {mf.rows}",
            mf.name,
        )
    bad += _quarantine_malformed(con, manifest, mf.name, ent, read.malformed)
    for table in (incoming, checked) if ent.name in _FIRST else (incoming, checked, keys):
        scratch.execute(f"drop table if exists {table}")
    return good, bad


def _pack_extras(chunk: pa.Table, ent: Entity) -> pa.Table:
    """The chunk's contract columns, the columns the contract does not know packed
    into one struct column `_extra`, and the row number last. A file's own column
    names thus never reach SQL: they are the struct's field names, data."""
    *columns, number = chunk.column_names
    contract = {col.name for col in ent.columns}
    known = [c for c in columns if c in contract]
    extras = [i for i, c in enumerate(columns) if c not in known]
    arrays, names = [chunk[c] for c in known], list(known)
    if extras:
        fields = [chunk.column(i).combine_chunks() for i in extras]
        arrays.append(pa.StructArray.from_arrays(fields, names=[columns[i] for i in extras]))
        names.append(EXTRA)
    return pa.table([*arrays, chunk[number]], names=[*names, ROW_NUMBER])


def _chunks(batches) -> Iterator[pa.Table]:
    """The batches regrouped into tables of CHUNK_ROWS rows (the last one fewer), in
    file order."""
    pending, count = [], 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        while count >= CHUNK_ROWS:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, CHUNK_ROWS)
            rest = table.slice(CHUNK_ROWS)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending)


def _insert_good(con, scratch, manifest: Manifest, ent: Entity, checked: str) -> int:
    """Append the chunk's good rows, typed, to the entity's raw table; their count."""
    col_list = ", ".join(q(c.name) for c in ent.columns)
    typed_list = ", ".join(f"t_{c.name}" for c in ent.columns)
    good = scratch.sql(
        f"select {typed_list}, _extra, _row_number from {checked} "
        f"where _reason is null order by _row_number"
    ).to_arrow_table()
    con.register("_good", good)
    con.execute(
        f"insert into {raw_table(ent)} ({col_list}, _extra, _delivery_id, _extracted_at, "
        f"_row_number) select {typed_list}, _extra, ?, ?, _row_number from _good",
        [manifest.delivery_id, manifest.extracted_at],
    )
    con.unregister("_good")
    return good.num_rows


def _flag(con, checked: str, flags: list[tuple[int, str, str]]) -> None:
    """Mark rows (row_number, reason_code, detail) as bad, unless already marked."""
    if not flags:
        return
    con.execute("create or replace temp table _flags (n bigint, reason varchar, detail varchar)")
    con.executemany("insert into _flags values (?, ?, ?)", flags)
    con.execute(
        f"update {checked} set _reason = f.reason, _detail = f.detail from _flags f "
        f"where {checked}._row_number = f.n and {checked}._reason is null"
    )


def _flag_pii(con, ent: Entity, incoming: str, checked: str, columns: list[str]) -> None:
    """Rows with a card or resident registration number in a text field. PII beats any
    other reason, so that the row's detail never repeats the number."""
    names = [c.name for c in ent.columns if c.type in PII_CHECKED_TYPES and c.name in columns]
    texts = [q(n) for n in names]
    if EXTRA in columns:  # the unknown columns, their names and values, as JSON
        names.append(EXTRA)
        texts.append(f"to_json({EXTRA})")
    if not names:
        return
    where = " or ".join(f"regexp_matches({t}, $pattern)" for t in texts)
    hits = []
    for row in con.execute(
        f"select {ROW_NUMBER}, {', '.join(texts)} from {incoming} where {where}",
        {"pattern": pii.SQL_CANDIDATE_PATTERN},
    ).fetchall():
        for name, value in zip(names, row[1:], strict=True):
            found = _pii_found(name, value)
            if found:
                hits.append((row[0], *found))
                break
    if hits:
        con.execute(
            f"update {checked} set _reason = null where _row_number in "
            f"({', '.join(str(h[0]) for h in hits)})"
        )
        _flag(con, checked, hits)


def _pii_found(name: str, value: str | None) -> tuple[str, str] | None:
    """(reason code, masked detail) when `value` of column `name` holds a card or
    resident registration number; in the unknown columns (`_extra`, JSON), their
    names are searched too, and the detail names the column."""
    if not value:
        return None
    if name != EXTRA:
        kind = pii.find_pii(value)
        return (f"pii_{kind}", f"{name}: {pii.mask(value)}") if kind else None
    for column, text in json.loads(value).items():
        if kind := pii.find_pii(column):
            return f"pii_{kind}", f"a column name: {pii.mask(column)}"
        if text and (kind := pii.find_pii(text)):
            return f"pii_{kind}", f"{column}: {pii.mask(text)}"
    return None


def _flag_python_checks(con, ent: Entity, checked: str) -> None:
    if "business_reg_no" not in {c.name for c in ent.columns}:
        return
    rows = con.execute(
        f"select _row_number, t_business_reg_no from {checked} "
        f"where _reason is null and t_business_reg_no is not null"
    ).fetchall()
    _flag(
        con,
        checked,
        [
            (
                n,
                "bad_business_reg_no",
                f"business_reg_no: {value} is not a valid registration number",
            )
            for n, value in rows
            if not is_valid_brn(value)
        ],
    )


def _flag_duplicates(con, ent: Entity, checked: str, keys: str) -> None:
    """A key seen earlier in the file (an earlier chunk, or earlier in this one) repeats
    that first row; the chunk's first occurrences join the keys seen."""
    detail = {"detail": f"key ({', '.join(ent.key)}) repeats row "}
    t_keys = [q(f"t_{k}") for k in ent.key]
    con.execute(
        f"""
        update {checked} set _reason = 'duplicate_key', _detail = $detail || k.first_row
        from {keys} k
        where {" and ".join(f"{checked}.{t} = k.{t}" for t in t_keys)}
            and {checked}._reason is null
    """,
        detail,
    )
    con.execute(
        f"""
        update {checked} set _reason = 'duplicate_key', _detail = $detail || d.first_row
        from (
            select _row_number as n, min(_row_number) over w as first_row,
                   row_number() over (w order by _row_number) as occurrence
            from {checked} where _reason is null
            window w as (partition by {", ".join(t_keys)})
        ) d
        where {checked}._row_number = d.n and d.occurrence > 1
    """,
        detail,
    )
    con.execute(
        f"insert into {keys} select {', '.join(t_keys)}, _row_number from {checked} "
        f"where _reason is null"
    )


def _flag_references(con, ent: Entity, checked: str) -> None:
    """Within a cms snapshot: references to accounts and products of the same snapshot
    (checked first: the keys of their good rows are in keys_accounts, keys_products)."""
    for column, target, target_key, reason in (
        (ent.account_ref, "accounts", "account_id", "unknown_account"),
        (ent.product_ref, "products", "product_code", "unknown_product"),
    ):
        if column:
            con.execute(
                f"""
                update {checked} set _reason = $reason,
                    _detail = $column || ': ' || {q(f"t_{column}")}
                        || ' is not in this snapshot''s ' || $target
                where _reason is null
                    and {q(f"t_{column}")} not in (
                        select {q(f"t_{target_key}")} from {q(f"keys_{target}")}
                    )
            """,
                {"reason": reason, "column": column, "target": target},
            )


def _flag_foreign_product(con, ent: Entity, checked: str) -> None:
    """A subscription to a product priced in another currency than its account's, both
    in the same snapshot (their currencies are in currency_accounts, currency_products):
    it is never billed in the product's currency."""
    if ent.name == "subscriptions":
        con.execute(f"""
            update {checked} set _reason = 'currency_mismatch',
                _detail = 'product_code: ' || t_product_code || ' is priced in '
                    || products.currency || ', not the account''s currency ('
                    || accounts.currency || ')'
            from currency_accounts as accounts, currency_products as products
            where {checked}._reason is null
                and {checked}.t_account_id = accounts.code
                and {checked}.t_product_code = products.code
                and not exists (
                    select 1 from currency_products as same
                    where same.code = products.code and same.currency = accounts.currency
                )
        """)


def _flag_foreign_currency(con, ent: Entity, checked: str) -> None:
    """A row of an account in another currency than the account's: a cms row (an
    opening balance) as the same snapshot's accounts say, a payment as the newest CMS
    snapshot loaded says. Nothing is counted against a bill in the wrong currency;
    payments of an account the CMS does not have yet are left to suspense."""
    columns = {c.name for c in ent.columns}
    if ent.name == "accounts" or not {"account_id", "currency"} <= columns:
        return
    accounts = (
        "select code as account_id, currency from currency_accounts"
        if ent.feed == "cms"
        else f"""
            select account_id, currency from {raw_table(entity("cms", "accounts"))}
            where _delivery_id = (
                select delivery_id from {INGEST_SCHEMA}.deliveries where feed = 'cms'
                order by extracted_at desc, delivery_id desc limit 1
            )"""
    )
    con.execute(f"""
        update {checked} set _reason = 'currency_mismatch',
            _detail = 'currency: ' || t_currency || ' is not the account''s currency ('
                || accounts.currency || ')'
        from ({accounts}) as accounts
        where {checked}._reason is null
            and {checked}.t_account_id = accounts.account_id
            and {checked}.t_currency <> accounts.currency
    """)


def _flag_second_opening_balance(con, ent: Entity, checked: str) -> None:
    """An opening balance of an account whose opening balance an earlier delivery gave
    with another amount or currency: an account is taken in once, with one balance."""
    if ent.name != "opening_balances":
        return
    con.execute(f"""
        update {checked} set _reason = 'opening_balance_conflict',
            _detail = 'amount: ' || t_amount || ' ' || t_currency
                || ' differs from the opening balance ' || earlier.amount || ' '
                || earlier.currency || ' delivered in ' || earlier._delivery_id
                || ' (an account has one opening balance)'
        from (
            select account_id, amount, currency, _delivery_id
            from {raw_table(ent)}
            qualify row_number() over (
                partition by account_id order by _extracted_at, _delivery_id
            ) = 1
        ) as earlier
        where {checked}._reason is null
            and {checked}.t_account_id = earlier.account_id
            and ({checked}.t_amount <> earlier.amount or {checked}.t_currency <> earlier.currency)
    """)


def _quarantine(
    con, scratch, manifest: Manifest, file: str, ent: Entity, checked: str, columns
) -> int:
    """Record the chunk's flagged rows, each with its masked text as JSON."""
    known = {c.name for c in ent.columns}
    fields = [f"{q(c)} := {q(c)}" for c in columns if c in known]
    if EXTRA in columns:
        fields.append(f"{EXTRA} := {EXTRA}")
    row_json = f"to_json(struct_pack({', '.join(fields)}))"
    rows = scratch.execute(
        f"select _row_number, _reason, _detail, {row_json} from {checked} "
        f"where _reason is not null order by _row_number"
    ).fetchall()
    return _record_quarantine(con, manifest, file, ent, rows)


def _quarantine_malformed(con, manifest: Manifest, file: str, ent: Entity, malformed) -> int:
    rows = [(m.row_number, "malformed_row", m.detail, m.text) for m in malformed]
    return _record_quarantine(con, manifest, file, ent, rows)


def _record_quarantine(con, manifest: Manifest, file: str, ent: Entity, rows) -> int:
    if not rows:
        return 0
    con.executemany(
        f"insert into {INGEST_SCHEMA}.quarantine values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                manifest.feed,
                manifest.delivery_id,
                ent.name,
                file,
                n,
                reason,
                pii.mask(detail),
                pii.mask(text),
            )
            for n, reason, detail, text in rows
        ],
    )
    for n, reason, detail, _ in rows[:5]:
        log.warning(
            "quarantined %s/%s/%s row %s (%s): %s",
            manifest.feed,
            manifest.delivery_id,
            file,
            n,
            reason,
            pii.mask(detail),
        )
    return len(rows)


def _land(con, ent: Entity, manifest: Manifest, staging: Path) -> None:
    """The delivery's good rows as Parquet, in file order (they were appended in it,
    and DuckDB's COPY keeps insertion order). The path goes through the driver's
    quoting: a delivery id is data, whatever it holds."""
    target = staging / ent.feed / ent.name / f"delivery_id={manifest.delivery_id}"
    target.mkdir(parents=True, exist_ok=True)
    con.sql(
        f"select * exclude (_delivery_id) from {raw_table(ent)} where _delivery_id = ?",
        params=[manifest.delivery_id],
    ).write_parquet(str(target / "data.parquet"))


def _publish(staging: Path, landing: Path, manifest: Manifest) -> None:
    """Move a committed delivery's Parquet from staging into the landing folder."""
    for entity_dir in (staging / manifest.feed).iterdir():
        for part in entity_dir.iterdir():
            final = landing / manifest.feed / entity_dir.name / part.name
            shutil.rmtree(final, ignore_errors=True)
            final.parent.mkdir(parents=True, exist_ok=True)
            part.rename(final)
    shutil.rmtree(staging, ignore_errors=True)

"""The feed gates: a cycle is billed only on complete, verified deliveries.

A delivery is *taken in* by a cycle when no earlier cycle's close took it in: what
arrived since the previous bill run.

`feed_deliveries`, one row per feed: every feed of `required_feeds` delivered at
least once since the previous bill run; the latest delivery of each feed of
`period_end_feeds` was extracted at or after the period's end (the CMS snapshot and
the usage cover the whole period); no delivery was refused and left so (neither
delivered again whole nor dismissed by ops with a recorded reason), a delivery id
sent again with other content included: its first content is loaded, the second
would never be billed.
`feed_quarantine`, one row per entity: the share of the rows the cycle takes in
that went to quarantine stays under `max_quarantine_share` (for entities with at
least `quarantine_min_rows` rows: a share of a handful of rows says nothing), and no
subscription names a product the catalog does not have. `feed_duplicates`, one row
per usage entity: no usage the cycle takes in repeats another record's content
under a different id (a file delivered again with new ids would bill the usage
twice). `feed_suspense`, one row per event entity: how many rows name an account
(or a virtual account) the CMS does not have; only usage blocks, above
`max_suspense_share` of at least `suspense_min_events` events.

`quarantine_review` (a warning, never a block) lists every quarantined row of the
entities too small for the share to be judged.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from connectors.contract import ENTITIES
from connectors.warehouse import raw_table
from expectations.gate import Expectation, GateResult, run_suite

FEEDS = sorted({e.feed for e in ENTITIES})
NO_CLOSED_DELIVERIES = (
    "(select null::varchar as feed, null::varchar as delivery_id, null::date as cycle_date "
    "where false)"
)
USAGE_ENTITIES = ("vod_purchases", "ppv_purchases", "data_usage")


# The deliveries the cycle takes in: those no earlier cycle's close took in.
TAKEN_IN = """select d.feed, d.delivery_id from ingest.deliveries as d where not exists (
    select 1 from {closed} as c
    where c.feed = d.feed and c.delivery_id = d.delivery_id and c.cycle_date < $cycle)"""


def _taken_in(closed: str, feed: str) -> str:
    """The ids of `feed`'s deliveries the cycle takes in."""
    return f"select delivery_id from ({TAKEN_IN.format(closed=closed)}) where feed = '{feed}'"


DELIVERIES_SQL = """
with taken_in as (
    select feed, count(*) as deliveries from ({taken_in}) group by feed
),
latest as (
    select feed, max(extracted_at) as extracted_at from ingest.deliveries group by feed
)
select
    feeds.feed,
    coalesce(taken_in.deliveries, 0) as deliveries_taken_in,
    latest.extracted_at as latest_extracted_at,
    case
        when feeds.feed in (select unnest($required)) and taken_in.deliveries is null then 1
        else 0
    end as not_delivered_since_last_run,
    case
        when feeds.feed not in (select unnest($period_end_feeds)) then 0
        when coalesce(latest.extracted_at >= $period_end, false) then 0
        else 1
    end as period_not_covered,
    (
        select count(*) from ingest.rejections as r
        where r.feed = feeds.feed
          and (
              r.reason_code = 'delivery_conflict'
              or not exists (
                  select 1 from ingest.deliveries as d
                  where d.feed = r.feed and d.delivery_id = r.delivery_id
              )
          )
          and not exists (
              select 1 from ingest.dismissals as x
              where x.feed = r.feed and x.delivery_id = r.delivery_id
          )
    ) as deliveries_refused
from (select unnest($feeds) as feed) as feeds
left join taken_in on feeds.feed = taken_in.feed
left join latest on feeds.feed = latest.feed
order by feeds.feed
"""


def _quarantine_sql(closed: str) -> str:
    rows = [
        f"""
select
    '{e.feed}.{e.name}' as entity,
    loaded.n as rows_loaded,
    quarantined.n as rows_quarantined,
    case when loaded.n + quarantined.n < $min_rows then 0.0
        else quarantined.n / (loaded.n + quarantined.n) end as quarantine_share,
    quarantined.unknown_products
from
    (select count(*) as n from {raw_table(e)}
     where _delivery_id in ({_taken_in(closed, e.feed)})) as loaded,
    (select count(*) as n,
            count(*) filter (where reason_code = 'unknown_product'
                             and entity = 'subscriptions') as unknown_products
     from ingest.quarantine
     where feed = '{e.feed}' and entity = '{e.name}'
       and delivery_id in ({_taken_in(closed, e.feed)})) as quarantined"""
        for e in ENTITIES
    ]
    return "\nunion all".join(rows) + "\norder by entity"


def _small_entity_quarantine_sql(closed: str) -> str:
    """Every quarantined row the cycle takes in, of entities under $min_rows rows."""
    return f"""
with sizes as ({_quarantine_sql(closed)}
)
select
    q.feed || '.' || q.entity as entity,
    q.delivery_id,
    q.row_number,
    q.reason_code,
    q.detail,
    1 as quarantined
from ingest.quarantine as q
inner join ({TAKEN_IN.format(closed=closed)}) as taken_in
    on q.feed = taken_in.feed and q.delivery_id = taken_in.delivery_id
inner join sizes on q.feed || '.' || q.entity = sizes.entity
where sizes.rows_loaded + sizes.rows_quarantined < $min_rows
order by entity, q.delivery_id, q.row_number
"""


# What makes two usage records the same usage, whatever their ids.
USAGE_CONTENT = {
    "data_usage": ("record_id", "account_id, usage_start, usage_end, bytes_down, bytes_up"),
    "vod_purchases": ("event_id", "account_id, title_id, purchase_type, event_ts"),
    "ppv_purchases": ("event_id", "account_id, event_code, event_ts"),
}


def _duplicates_sql(closed: str) -> str:
    """Usage the cycle takes in whose content repeats under another id. Records are
    first grouped by a 64-bit hash of their content, narrow keys that aggregate fast
    at a hundred million rows; only the groups of two or more records are then
    compared on the content itself, so a hash collision cannot report a duplicate."""
    rows = [
        f"""
select
    'headend.{name}' as entity,
    coalesce(sum(ids - 1), 0) as duplicate_rows,
    coalesce(min(first_id), '') as example_id
from (
    select count(distinct {id_column}) as ids, min({id_column}) as first_id,
           bool_or(_delivery_id in ({_taken_in(closed, "headend")})) as taken_in
    from raw.{name}
    where hash({content}) in (
        select hash({content}) from raw.{name}
        group by hash({content})
        having count(*) > 1
    )
    group by {content}
) as same
where ids > 1 and taken_in"""
        for name, (id_column, content) in USAGE_CONTENT.items()
    ]
    return "\nunion all".join(rows) + "\norder by entity"


def _suspense_sql(closed: str) -> str:
    """Rows taken in per event entity, and how many name no account of the latest CMS
    snapshot (deposits: no virtual account of it). The usage share is of all usage
    entities together, shown on each usage entity that holds some of it."""
    known = (
        "select {column} from raw.accounts where {column} is not null and _delivery_id = ("
        "select delivery_id from ingest.deliveries where feed = 'cms' "
        "order by extracted_at desc, delivery_id desc limit 1)"
    )
    rows = []
    for e in ENTITIES:
        if e.feed == "cms" or e.name in ("outages", "entitlements"):
            continue
        column = "virtual_account_no" if e.name == "va_deposits" else "account_id"
        rows.append(
            f"""
select
    '{e.feed}.{e.name}' as entity,
    {e.name in USAGE_ENTITIES} as is_usage,
    count(*) as rows_taken_in,
    count(*) filter (where {column} not in ({known.format(column=column)})
                     or {column} is null) as rows_in_suspense
from {raw_table(e)}
where _delivery_id in ({_taken_in(closed, e.feed)})"""
        )
    return f"""
with counts as ({"union all".join(rows)}
),
usage as (
    select sum(rows_taken_in) as events, sum(rows_in_suspense) as in_suspense
    from counts where is_usage
)
select
    counts.entity,
    counts.rows_taken_in,
    counts.rows_in_suspense,
    case
        when not counts.is_usage or counts.rows_in_suspense = 0 or usage.events < $min_events
            then 0.0
        else usage.in_suspense / usage.events
    end as usage_suspense_share
from counts cross join usage
order by counts.entity
"""


def _closed_deliveries(con: duckdb.DuckDBPyConnection) -> str:
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'ledger' and table_name = 'closed_deliveries'"
    ).fetchall()[0][0]
    return "ledger.closed_deliveries" if exists else NO_CLOSED_DELIVERIES


def validate_feeds(
    con: duckdb.DuckDBPyConnection,
    cycle_date: date,
    settings: dict,
    timezone: str,
    docs_dir: Path | None = None,
) -> list[GateResult]:
    """Check the deliveries in the warehouse behind `con` for billing `cycle_date`."""

    def at_most(column: str, value) -> Expectation:
        return Expectation.between(column=column, min_value=0, max_value=value)

    closed = _closed_deliveries(con)
    period_end = datetime.combine(cycle_date, time(0), ZoneInfo(timezone))
    deliveries = run_suite(
        "feed_deliveries",
        con,
        DELIVERIES_SQL.format(taken_in=TAKEN_IN.format(closed=closed)),
        {
            "cycle": cycle_date,
            "feeds": FEEDS,
            "required": list(settings["required_feeds"]),
            "period_end_feeds": list(settings["period_end_feeds"]),
            "period_end": period_end,
        },
        [
            at_most(column, 0)
            for column in (
                "not_delivered_since_last_run",
                "period_not_covered",
                "deliveries_refused",
            )
        ],
        id_columns=("feed", "deliveries_taken_in", "latest_extracted_at"),
        docs_dir=docs_dir,
    )
    quarantine = run_suite(
        "feed_quarantine",
        con,
        _quarantine_sql(closed),
        {"cycle": cycle_date, "min_rows": settings["quarantine_min_rows"]},
        [
            at_most("quarantine_share", settings["max_quarantine_share"]),
            at_most("unknown_products", 0),
        ],
        id_columns=("entity", "rows_loaded", "rows_quarantined"),
        docs_dir=docs_dir,
    )
    duplicates = run_suite(
        "feed_duplicates",
        con,
        _duplicates_sql(closed),
        {"cycle": cycle_date},
        [at_most("duplicate_rows", 0)],
        id_columns=("entity", "example_id"),
        docs_dir=docs_dir,
    )
    suspense = run_suite(
        "feed_suspense",
        con,
        _suspense_sql(closed),
        {"cycle": cycle_date, "min_events": settings["suspense_min_events"]},
        [at_most("usage_suspense_share", settings["max_suspense_share"])],
        id_columns=("entity", "rows_taken_in", "rows_in_suspense"),
        docs_dir=docs_dir,
        report=("entity", "rows_in_suspense"),
    )
    return [deliveries, quarantine, duplicates, suspense]


def review_quarantine(
    con: duckdb.DuckDBPyConnection, cycle_date: date, settings: dict, docs_dir: Path | None = None
) -> GateResult:
    """Every quarantined row the cycle takes in of an entity too small to judge its
    share (under `quarantine_min_rows` rows): each is one to look at, not a block."""
    return run_suite(
        "quarantine_review",
        con,
        _small_entity_quarantine_sql(_closed_deliveries(con)),
        {"cycle": cycle_date, "min_rows": settings["quarantine_min_rows"]},
        [Expectation.between(column="quarantined", max_value=0)],
        id_columns=("entity", "delivery_id", "row_number", "reason_code", "detail"),
        docs_dir=docs_dir,
    )

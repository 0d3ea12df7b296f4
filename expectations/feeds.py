"""The feed gates: a cycle is billed only on complete, verified deliveries.

`feed_deliveries`, one row per feed: every required feed has a loaded delivery
extracted at or after the period's end (the CMS snapshot and the usage cover the
whole period), and no delivery of any feed was refused and never delivered again.
`feed_quarantine`, one row per entity: the share of the rows the cycle takes in
(deliveries no earlier cycle closed) that went to quarantine stays under
`max_quarantine_share` (for entities with at least `quarantine_min_rows` rows: a
share of a handful of rows says nothing), and no subscription names a product the
catalog does not have. `feed_duplicates`, one row per usage entity: no usage the
cycle takes in repeats another record's content under a different id (a file
delivered again with new ids would bill the usage twice).
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from connectors.contract import ENTITIES
from connectors.warehouse import raw_table
from expectations.gate import GateResult, run_suite

FEEDS = sorted({e.feed for e in ENTITIES})
NO_CLOSED_DELIVERIES = (
    "(select null::varchar as feed, null::varchar as delivery_id, null::date as cycle_date "
    "where false)"
)

DELIVERIES_SQL = """
select
    feeds.feed,
    feeds.feed in (select unnest($required)) as required,
    count(loaded.delivery_id) as deliveries_loaded,
    max(loaded.extracted_at) as latest_extracted_at,
    case
        when feeds.feed not in (select unnest($required)) then 0
        when coalesce(max(loaded.extracted_at) >= $period_end, false) then 0
        else 1
    end as period_not_covered,
    (
        select count(*) from ingest.rejections as r
        where r.feed = feeds.feed and not exists (
            select 1 from ingest.deliveries as d
            where d.feed = r.feed and d.delivery_id = r.delivery_id
        )
    ) as deliveries_refused
from (select unnest($feeds) as feed) as feeds
left join ingest.deliveries as loaded on feeds.feed = loaded.feed
group by feeds.feed
order by feeds.feed
"""


def _quarantine_sql(closed: str) -> str:
    taken_in = (
        f"select delivery_id from ingest.deliveries as d where d.feed = '{{feed}}' and not exists "
        f"(select 1 from {closed} as c where c.feed = d.feed "
        f"and c.delivery_id = d.delivery_id and c.cycle_date < $cycle)"
    )
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
     where _delivery_id in ({taken_in.format(feed=e.feed)})) as loaded,
    (select count(*) as n,
            count(*) filter (where reason_code = 'unknown_product'
                             and entity = 'subscriptions') as unknown_products
     from ingest.quarantine
     where feed = '{e.feed}' and entity = '{e.name}'
       and delivery_id in ({taken_in.format(feed=e.feed)})) as quarantined"""
        for e in ENTITIES
    ]
    return "\nunion all".join(rows) + "\norder by entity"


# What makes two usage records the same usage, whatever their ids.
USAGE_CONTENT = {
    "data_usage": ("record_id", "account_id, usage_start, usage_end, bytes_down, bytes_up"),
    "vod_purchases": ("event_id", "account_id, title_id, purchase_type, event_ts"),
    "ppv_purchases": ("event_id", "account_id, event_code, event_ts"),
}


def _duplicates_sql(closed: str) -> str:
    rows = [
        f"""
select
    'headend.{name}' as entity,
    coalesce(sum(ids - 1), 0) as duplicate_rows,
    coalesce(min(first_id), '') as example_id
from (
    select count(distinct {id_column}) as ids, min({id_column}) as first_id,
           bool_or(_delivery_id in (
               select delivery_id from ingest.deliveries as d where d.feed = 'headend'
               and not exists (select 1 from {closed} as c where c.feed = d.feed
                   and c.delivery_id = d.delivery_id and c.cycle_date < $cycle)
           )) as taken_in
    from raw.{name}
    group by {content}
) as same
where ids > 1 and taken_in"""
        for name, (id_column, content) in USAGE_CONTENT.items()
    ]
    return "\nunion all".join(rows) + "\norder by entity"


def validate_feeds(
    con: duckdb.DuckDBPyConnection,
    cycle_date: date,
    settings: dict,
    timezone: str,
    docs_dir: Path | None = None,
) -> list[GateResult]:
    """Check the deliveries in the warehouse behind `con` for billing `cycle_date`."""
    import great_expectations as gx

    period_end = datetime.combine(cycle_date, time(0), ZoneInfo(timezone))
    deliveries = run_suite(
        "feed_deliveries",
        con,
        DELIVERIES_SQL,
        {"feeds": FEEDS, "required": list(settings["required_feeds"]), "period_end": period_end},
        [
            gx.expectations.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=0)
            for column in ("period_not_covered", "deliveries_refused")
        ],
        id_columns=("feed", "deliveries_loaded", "latest_extracted_at"),
        docs_dir=docs_dir,
    )
    closed_table = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'ledger' and table_name = 'closed_deliveries'"
    ).fetchall()[0][0]
    closed = "ledger.closed_deliveries" if closed_table else NO_CLOSED_DELIVERIES
    quarantine = run_suite(
        "feed_quarantine",
        con,
        _quarantine_sql(closed),
        {"cycle": cycle_date, "min_rows": settings["quarantine_min_rows"]},
        [
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="quarantine_share", min_value=0, max_value=settings["max_quarantine_share"]
            ),
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="unknown_products", min_value=0, max_value=0
            ),
        ],
        id_columns=("entity", "rows_loaded", "rows_quarantined"),
        docs_dir=docs_dir,
    )
    duplicates = run_suite(
        "feed_duplicates",
        con,
        _duplicates_sql(closed),
        {"cycle": cycle_date},
        [
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="duplicate_rows", min_value=0, max_value=0
            )
        ],
        id_columns=("entity", "example_id"),
        docs_dir=docs_dir,
    )
    return [deliveries, quarantine, duplicates]

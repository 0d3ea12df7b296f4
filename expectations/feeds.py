"""The feed gates: a cycle is billed only on complete, verified deliveries.

A delivery is *taken in* by a cycle when no earlier cycle's close took it in: what
arrived since the previous bill run (dbt macro `deliveries_taken_in`). Each suite's
rows are a dbt model of models/quality/feeds, built for the cycle just before.

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

from pathlib import Path

import duckdb

from expectations.gate import Expectation, GateResult, run_suite

# The rows each suite validates: dbt models (models/quality/feeds, tag feed_gates),
# built for the cycle by the gates' step.
DELIVERIES_SQL = "select * from quality.feed_deliveries order by feed"
QUARANTINE_SQL = "select * from quality.feed_quarantine order by entity"
DUPLICATES_SQL = "select * from quality.feed_duplicates order by entity"
SUSPENSE_SQL = "select * from quality.feed_suspense order by entity"
REVIEW_SQL = "select * from quality.quarantine_review order by entity, delivery_id, row_number"


def validate_feeds(
    con: duckdb.DuckDBPyConnection, settings: dict, docs_dir: Path | None = None
) -> list[GateResult]:
    """Check the deliveries in the warehouse behind `con` for the cycle its feed-gate
    models were built for."""

    def at_most(column: str, value) -> Expectation:
        return Expectation.between(column=column, min_value=0, max_value=value)

    deliveries = run_suite(
        "feed_deliveries",
        con,
        DELIVERIES_SQL,
        {},
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
        QUARANTINE_SQL,
        {},
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
        DUPLICATES_SQL,
        {},
        [at_most("duplicate_rows", 0)],
        id_columns=("entity", "example_id"),
        docs_dir=docs_dir,
    )
    suspense = run_suite(
        "feed_suspense",
        con,
        SUSPENSE_SQL,
        {},
        [at_most("usage_suspense_share", settings["max_suspense_share"])],
        id_columns=("entity", "rows_taken_in", "rows_in_suspense"),
        docs_dir=docs_dir,
        report=("entity", "rows_in_suspense"),
    )
    return [deliveries, quarantine, duplicates, suspense]


def review_quarantine(con: duckdb.DuckDBPyConnection, docs_dir: Path | None = None) -> GateResult:
    """Every quarantined row the cycle takes in of an entity too small to judge its
    share (under `quarantine_min_rows` rows): each is one to look at, not a block."""
    return run_suite(
        "quarantine_review",
        con,
        REVIEW_SQL,
        {},
        [Expectation.between(column="quarantined", max_value=0)],
        id_columns=("entity", "delivery_id", "row_number", "reason_code", "detail"),
        docs_dir=docs_dir,
    )

{#- The feed gate's rows per feed (suite feed_deliveries, expectations/feeds.py): a
    feed of `required_feeds` not delivered since the previous bill run; a feed of
    `period_end_feeds` whose latest delivery was extracted before the period's end;
    deliveries refused and left so (neither delivered again whole nor dismissed by
    ops), a delivery id sent again with other content included. -#}
{%- set feeds = raw_entities() | map(attribute='feed') | unique | list %}

with feeds as (
    {%- for feed in feeds %}
        select {{ sql_string(feed) }} as feed
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
    {%- if not feeds %}
    select cast(null as {{ dbt.type_string() }}) as feed where false
    {%- endif %}
),

taken_in as (
    select
        feed,
        count(*) as deliveries
    from ({{ deliveries_taken_in() }}) as taken
    group by feed
),

latest as (
    select
        feed,
        max(extracted_at) as extracted_at
    from {{ source('ingest', 'deliveries') }}
    group by feed
),

refused as (
    select
        r.feed,
        count(*) as deliveries
    from {{ source('ingest', 'rejections') }} as r
    where
        (
            r.reason_code = 'delivery_conflict'
            or not exists (
                select 1
                from {{ source('ingest', 'deliveries') }} as d
                where d.feed = r.feed and d.delivery_id = r.delivery_id
            )
        )
        and not exists (
            select 1
            from {{ source('ingest', 'dismissals') }} as x
            where x.feed = r.feed and x.delivery_id = r.delivery_id
        )
    group by r.feed
)

select
    feeds.feed,
    coalesce(taken_in.deliveries, 0) as deliveries_taken_in,
    latest.extracted_at as latest_extracted_at,
    case
        when feeds.feed in ({{ sql_list(var('required_feeds')) }}) and taken_in.deliveries is null
            then 1
        else 0
    end as not_delivered_since_last_run,
    case
        when feeds.feed not in ({{ sql_list(var('period_end_feeds')) }}) then 0
        when coalesce(latest.extracted_at >= {{ local_midnight(bill_cycle_date()) }}, false)
            then 0
        else 1
    end as period_not_covered,
    coalesce(refused.deliveries, 0) as deliveries_refused
from feeds
left join taken_in on feeds.feed = taken_in.feed
left join latest on feeds.feed = latest.feed
left join refused on feeds.feed = refused.feed

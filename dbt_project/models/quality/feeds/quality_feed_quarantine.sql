{#- The feed gate's rows per entity (suite feed_quarantine): the rows of the
    deliveries the cycle takes in that loaded and that went to quarantine, their
    share (0 under `quarantine_min_rows` rows: a share of a handful of rows says
    nothing), and the subscriptions quarantined for a product the catalog lacks. -#}

with taken_in as (
    {{ deliveries_taken_in() }}
),

loaded as (
    {%- for e in raw_entities() %}
        select
            {{ sql_string(e.feed ~ '.' ~ e.entity) }} as entity,
            count(*) as n
        from {{ e.relation }}
        where
            _delivery_id in (
                select taken_in.delivery_id from taken_in
                where taken_in.feed = {{ sql_string(e.feed) }}
            )
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

quarantined as (
    select
        q.feed || '.' || q.entity as entity,
        count(*) as n,
        count(*) filter (
            where q.reason_code = 'unknown_product' and q.entity = 'subscriptions'
        ) as unknown_products
    from {{ source('ingest', 'quarantine') }} as q
    inner join taken_in on q.feed = taken_in.feed and q.delivery_id = taken_in.delivery_id
    group by q.feed, q.entity
)

select
    loaded.entity,
    loaded.n as rows_loaded,
    coalesce(quarantined.n, 0) as rows_quarantined,
    case
        when loaded.n + coalesce(quarantined.n, 0) < {{ var('quarantine_min_rows') }} then 0.0
        else coalesce(quarantined.n, 0) / (loaded.n + coalesce(quarantined.n, 0))
    end as quarantine_share,
    coalesce(quarantined.unknown_products, 0) as unknown_products
from loaded
left join quarantined on loaded.entity = quarantined.entity

{#- The feed gate's rows per usage entity (suite feed_duplicates): usage the cycle
    takes in whose content repeats another record's under a different id (a file
    delivered again with new ids would bill the usage twice). A record's content
    includes its time, so a repeat of a record taken in lies between the earliest
    and the latest time of what is taken in: only those rows are read, which the
    engine prunes by (a year of usage is not hashed every cycle). Records are first
    grouped by a 64-bit hash of their content, narrow keys that aggregate fast at a
    hundred million rows; only groups of two or more records are then compared on
    the content itself, so a hash collision cannot report a duplicate. -#}
{%- set usage = [
    ('data_usage', 'record_id', 'usage_start', 'account_id, usage_start, usage_end, bytes_down, bytes_up'),
    ('vod_purchases', 'event_id', 'event_ts', 'account_id, title_id, purchase_type, event_ts'),
    ('ppv_purchases', 'event_id', 'event_ts', 'account_id, event_code, event_ts'),
] %}

with taken_in as (
    select delivery_id from ({{ deliveries_taken_in() }}) as taken
    where feed = 'headend'
),

{%- for name, id_column, time_column, content in usage | sort %}

    {{ name }}_span as (
        select
            min({{ time_column }}) as first_time,
            max({{ time_column }}) as last_time
        from {{ source('headend', name) }}
        where _delivery_id in (select taken_in.delivery_id from taken_in)
    ),

    {{ name }}_near as (
        select *
        from {{ source('headend', name) }}
        where
            {{ time_column }} >= (select span.first_time from {{ name }}_span as span)
            and {{ time_column }} <= (select span.last_time from {{ name }}_span as span)
    ){{ ',' if not loop.last }}
{%- endfor %}

{%- for name, id_column, time_column, content in usage | sort %}

    {{ 'select' if loop.first else 'union all\nselect' }}
        'headend.{{ name }}' as entity,
        coalesce(sum(ids - 1), 0) as duplicate_rows,
        coalesce(min(first_id), '') as example_id
    from (
        select
            count(distinct {{ id_column }}) as ids,
            min({{ id_column }}) as first_id,
            bool_or(_delivery_id in (select delivery_id from taken_in)) as is_taken_in
        from {{ name }}_near
        where
            hash({{ content }}) in (
                select hash({{ content }})
                from {{ name }}_near
                group by hash({{ content }})
                having count(*) > 1
            )
        group by {{ content }}
    ) as same
    where ids > 1 and is_taken_in
{%- endfor %}

{% macro uncounted_data_usage(records=none) -%}
{#- The data usage records a bill run counts: those of its period, and those of the
    lookback_cycles closed periods before it that no earlier close of the same cycle
    day counted (ledger.data_usage_counted: what each close counted, by delivery and
    period), each record once. A record belongs to the period of its usage_start's
    local date; of the copies of a record id, the first delivery's counts, and a late
    copy of a record a close counted counts no more (a copy repeats the record's
    usage_start).

    What a close counted is not read again: the period's rows are picked by a
    constant filter on the raw timestamp, which the engine prunes by (DuckDB skips
    row groups by their min and max; a partitioned table skips partitions); the
    closed periods' rows only from the deliveries no close counted, or, when the
    previous cycle's close counted nothing (a cycle not closed, a warehouse from
    before this counting), also the periods of older deliveries it did not count.
    Usage older than the lookback is never read.

    `records`, a query of record_id: only those records are read, every copy of
    each, so that a reader of a few records does not number all of them. -#}
{%- set wanted -%}
    {%- if records %}
        and raw.record_id in (select wanted_records.record_id from wanted_records)
    {%- endif -%}
{%- endset %}
{%- set period_start = cycle_months_before(1) %}
{%- set closed_periods = data_usage_between(
    usage_window_start(), period_start, 'raw.usage_start'
) %}

with
{%- if records %}

wanted_records as (

    {{ records }}

),
{%- endif %}

counted as (

    select distinct
        before.delivery_id,
        before.usage_period_start,
        {{ shift_date('month', 1, 'before.usage_period_start') }} as usage_period_end
    from ({{ data_usage_counted_before() }}) as before

),

uncounted_deliveries as (

    select delivery_id
    from {{ source('ingest', 'deliveries') }}
    where
        feed = 'headend'
        and delivery_id not in (select counted.delivery_id from counted)

),

previous_close as (

    select count(*) as counted_rows
    from {{ source('ledger', 'data_usage_counted') }}
    where cycle_date = {{ period_start }}

),

period_rows as (

    select *
    from {{ source('headend', 'data_usage') }} as raw
    where
        {{ data_usage_between(period_start, bill_cycle_date(), 'raw.usage_start') }}
        {{- wanted }}

),

late_rows as (

    select raw.*
    from {{ source('headend', 'data_usage') }} as raw
    where
        {{ closed_periods }}
        and raw._delivery_id in (
            select uncounted_deliveries.delivery_id from uncounted_deliveries
        )
        {{- wanted }}

),

{# only when the previous cycle's close counted nothing #}
skipped_rows as (

    select raw.*
    from {{ source('headend', 'data_usage') }} as raw
    inner join previous_close
        on previous_close.counted_rows = 0
    left join counted
        on
            raw._delivery_id = counted.delivery_id
            and {{ data_usage_between(
                'counted.usage_period_start', 'counted.usage_period_end', 'raw.usage_start'
            ) }}
    where
        {{ closed_periods }}
        and raw._delivery_id not in (
            select uncounted_deliveries.delivery_id from uncounted_deliveries
        )
        and counted.delivery_id is null
        {{- wanted }}

),

numbered as (

    select
        *,
        row_number() over (
            partition by record_id
            order by _extracted_at, _delivery_id, _row_number
        ) as _occurrence
    from (
        select * from period_rows
        union all
        select * from late_rows
        union all
        select * from skipped_rows
    ) as uncounted

),

first_copies as (

    select *
    from numbered
    where _occurrence = 1

),

{# late copies of records a close counted #}
copies as (

    select first_copies.record_id
    from first_copies
    inner join {{ source('headend', 'data_usage') }} as raw
        on
            first_copies.record_id = raw.record_id
            and first_copies.usage_start = raw.usage_start
    inner join counted
        on
            raw._delivery_id = counted.delivery_id
            and {{ data_usage_between(
                'counted.usage_period_start', 'counted.usage_period_end', 'raw.usage_start'
            ) }}
    where
        first_copies.usage_start < {{ local_midnight(period_start) }}
        and {{ closed_periods }}

)

select {{ data_usage_columns() }}
from first_copies
where record_id not in (select copies.record_id from copies)
{%- endmacro %}

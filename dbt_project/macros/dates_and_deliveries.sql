{#- Reading what the connectors landed in the raw schema. -#}

{% macro current_snapshot(feed, table) -%}
    {#- The rows of `table` in the newest loaded delivery of the snapshot `feed`. -#}
    select *
    from {{ source(feed, table) }}
    where _delivery_id = (
        select delivery_id
        from {{ source('ingest', 'deliveries') }}
        where feed = '{{ feed }}'
        order by extracted_at desc, delivery_id desc
        limit 1
    )
{%- endmacro %}

{% macro deduplicated(feed, table, key) -%}
    {#- Each event once: the first delivery of an id wins, re-sends are ignored. -#}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key }}
                order by _extracted_at, _delivery_id, _row_number
            ) as _occurrence
        from {{ source(feed, table) }}
    ) as numbered
    where _occurrence = 1
{%- endmacro %}

{% macro local_date(timestamp_column) -%}
    {{ return(adapter.dispatch('local_date', 'cablebill')(timestamp_column)) }}
{%- endmacro %}

{% macro default__local_date(timestamp_column) -%}
    to_date(from_utc_timestamp({{ timestamp_column }}, '{{ var("operator_timezone") }}'))
{%- endmacro %}

{% macro duckdb__local_date(timestamp_column) -%}
    cast(timezone('{{ var("operator_timezone") }}', {{ timestamp_column }}) as date)
{%- endmacro %}

{% macro days_between(start_date, end_date) -%}
    {#- Whole days from start_date to end_date (end exclusive). -#}
    {{ return(adapter.dispatch('days_between', 'cablebill')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}

{% macro duckdb__days_between(start_date, end_date) -%}
    date_diff('day', {{ start_date }}, {{ end_date }})
{%- endmacro %}

{% macro local_midnight(date_column) -%}
    {#- The instant a local date begins in the operator time zone. -#}
    {{ return(adapter.dispatch('local_midnight', 'cablebill')(date_column)) }}
{%- endmacro %}

{% macro default__local_midnight(date_column) -%}
    to_utc_timestamp(cast({{ date_column }} as timestamp), '{{ var("operator_timezone") }}')
{%- endmacro %}

{% macro duckdb__local_midnight(date_column) -%}
    timezone('{{ var("operator_timezone") }}', cast({{ date_column }} as timestamp))
{%- endmacro %}

{% macro usage_period_start(date_column, cycle_day) -%}
    {#- The first day of the service period holding a local date, for an account
        billed on `cycle_day` (1-28): the latest cycle-day date on or before it. -#}
    case
        when extract(day from {{ date_column }}) >= {{ cycle_day }}
            then cast({{ dbt.dateadd('day', cycle_day ~ ' - 1', dbt.date_trunc('month', date_column)) }} as date)
        else cast({{ dbt.dateadd('month', -1,
            dbt.dateadd('day', cycle_day ~ ' - 1', dbt.date_trunc('month', date_column))) }} as date)
    end
{%- endmacro %}

{% macro shift_date(datepart, amount, date_expression) -%}
    {#- A date moved by `amount` days, months or years, as a date. -#}
    cast({{ dbt.dateadd(datepart, amount, date_expression) }} as date)
{%- endmacro %}

{% macro fiscal_period(date_column) -%}
    {#- The fiscal period (YYYY-MM, calendar months) a date posts to. -#}
    cast(extract(year from {{ date_column }}) as {{ dbt.type_string() }}) || '-'
    || lpad(cast(extract(month from {{ date_column }}) as {{ dbt.type_string() }}), 2, '0')
{%- endmacro %}

{% macro cycle_months_before(months) -%}
    {#- The day `months` months before the cycle being built (var cycle_date; cycle
        days are 1-28, so every month has it), as a date literal: a constant the
        engine prunes by, and short (Spark's month arithmetic is a long expression). -#}
    {%- set cycle = bill_cycle() -%}
    {%- set month = cycle.year * 12 + cycle.month - 1 - months -%}
    cast('{{ modules.datetime.date(month // 12, month % 12 + 1, cycle.day) }}' as date)
{%- endmacro %}

{% macro usage_window_start() -%}
    {#- The first day a bill run may rate usage of: the start of the period
        lookback_cycles before its own, as a date. -#}
    {{ cycle_months_before(1 + var('lookback_cycles')) }}
{%- endmacro %}

{% macro data_usage_counted_before() -%}
    {#- What earlier closes of the cycle's day counted of the window's periods
        (ledger.data_usage_counted): what a bill run adds its own counts to. -#}
    select *
    from {{ source('ledger', 'data_usage_counted') }}
    where
        cycle_date < {{ bill_cycle_date() }}
        and extract(day from cycle_date) = {{ bill_cycle().day }}
        and usage_period_start >= {{ usage_window_start() }}
{%- endmacro %}

{% macro data_usage_between(first_day, end_day, column='usage_start') -%}
    {#- Raw data usage rows whose usage_start (`column`) falls on a local date in
        [first_day, end_day), two date expressions: a filter on the raw timestamp
        the engine prunes by. -#}
    {{ column }} >= {{ local_midnight(first_day) }}
    and {{ column }} < {{ local_midnight(end_day) }}
{%- endmacro %}

{% macro data_usage_records() -%}
    {#- Data usage records, each once, with their local usage_date. -#}
    select {{ data_usage_columns() }}
    from ({{ deduplicated('headend', 'data_usage', 'record_id') }}) as source
{%- endmacro %}

{% macro data_usage_columns() -%}
    {#- What billing reads of a raw data usage row, with its local usage_date. -#}
    record_id,
    account_id,
    usage_start,
    {{ local_date('usage_start') }} as usage_date,
    usage_end,
    bytes_down,
    bytes_up,
    _delivery_id as delivery_id,
    _extracted_at as extracted_at
{%- endmacro %}

{% macro bill_cycle() -%}
    {#- The cycle being built (var cycle_date, a date or its ISO text), as a Python
        date, for what is computed when the model compiles. -#}
    {{ return(modules.datetime.date.fromisoformat(var('cycle_date') | string)) }}
{%- endmacro %}

{% macro bill_cycle_date() -%}
    {#- The cycle being built (var cycle_date), as a date. -#}
    cast('{{ var("cycle_date") }}' as date)
{%- endmacro %}

{% macro compared_invoices() -%}
    {#- CTEs current_invoices (the cycle's drafts) and previous_invoices (the closed
        invoices of the previous cycle of the same cycle day), for the anomaly gates. -#}
    previous_cycle as (
        select max(closed.cycle_date) as cycle_date
        from {{ source('ledger', 'invoices') }} as closed
        where
            closed.cycle_date < {{ bill_cycle_date() }}
            and extract(day from closed.cycle_date) = extract(day from {{ bill_cycle_date() }})
    ),

    current_invoices as (
        select
            drafts.account_id,
            drafts.currency,
            drafts.current_charges
        from {{ ref('invoices') }} as drafts
        where drafts.cycle_date = {{ bill_cycle_date() }}
    ),

    previous_invoices as (
        select
            closed.account_id,
            closed.currency,
            closed.current_charges
        from {{ source('ledger', 'invoices') }} as closed
        where closed.cycle_date = (select previous_cycle.cycle_date from previous_cycle)
    )
{%- endmacro %}

{% macro deliveries_taken_in() -%}
    {#- The deliveries the cycle being built takes in: every loaded delivery no
        earlier cycle's close took in (ledger.closed_deliveries), what arrived since
        the previous bill run. -#}
    select
        d.feed,
        d.delivery_id
    from {{ source('ingest', 'deliveries') }} as d
    where not exists (
        select 1
        from {{ source('ledger', 'closed_deliveries') }} as c
        where
            c.feed = d.feed
            and c.delivery_id = d.delivery_id
            and c.cycle_date < {{ bill_cycle_date() }}
    )
{%- endmacro %}

{% macro raw_entities() -%}
    {#- The entities the connectors land (the dbt sources in schema raw), in feed and
        entity order: [{feed, entity, relation}]. Read when the model runs (the parse
        sees no sources yet), so a view over them names no source() as a parent. -#}
    {%- set entities = [] -%}
    {%- for source in (graph.sources.values() if execute else []) | sort(attribute='unique_id')
        if source.schema == 'raw' -%}
        {%- do entities.append({
            'feed': source.source_name,
            'entity': source.name,
            'relation': api.Relation.create(
                database=source.database, schema=source.schema, identifier=source.identifier
            ),
        }) -%}
    {%- endfor -%}
    {{ return(entities) }}
{%- endmacro %}

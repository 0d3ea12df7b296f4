{#- The data usage records a bill run rates: those of the period and of the
    lookback_cycles closed periods before it (late records may still change those),
    each record once. A record belongs to the period of its usage_start's local
    date. The window is a filter on the raw timestamp with the cycle's dates as
    constants, which the engine prunes by (DuckDB skips row groups by their min and
    max; a partitioned table skips partitions), so the usage of older periods is
    never read. A record id is deduplicated within the window: a re-send counts once
    as long as it repeats the record's usage_start. A view: writing every record
    again would cost more than the one aggregation that reads it. -#}
{{ config(materialized='view') }}
{{ data_usage_records(where=data_usage_window()) }}

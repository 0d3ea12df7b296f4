{#- The data usage records this bill run counts, each once (macro
    uncounted_data_usage: its period's, and the lookback's late ones no close
    counted). A view: writing every record again would cost more than the one
    aggregation that reads it. -#}
{{ config(materialized='view') }}

{{ uncounted_data_usage() }}

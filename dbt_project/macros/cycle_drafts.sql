{#- The config of a mart holding each cycle's drafts (marts/billing): a bill run
    replaces its cycle's rows and keeps the other cycles'. DuckDB deletes and
    inserts them; Spark, on Parquet tables that cannot delete rows, overwrites the
    cycle's partition. -#}
{% macro cycle_drafts_config() %}
    {%- if target.type == 'spark' %}
    {{- return({
        'incremental_strategy': 'insert_overwrite',
        'partition_by': ['cycle_date'],
        'file_format': 'parquet',
    }) }}
    {%- endif %}
    {{- return({'incremental_strategy': 'delete+insert', 'unique_key': 'cycle_date'}) }}
{% endmacro %}

{#- Spark: the connectors land each feed entity, and their ingest ledger, as Parquet
    under CABLEBILL_LAKE (<lake>/<schema>/<table>/, orchestration/lake.py); each dbt
    source of schemas raw and ingest is registered as a table over its folder, and
    refreshed, so that a run reads what was landed before it. DuckDB reads the
    connectors' own tables in the warehouse and needs none of this. -#}
{% macro register_landed_tables() %}
    {%- set lake = env_var('CABLEBILL_LAKE', 'lake') %}
    {%- set landed = graph.sources.values() | selectattr('schema', 'in', ['raw', 'ingest'])
        | sort(attribute='unique_id') | list %}
    {%- for schema in landed | map(attribute='schema') | unique %}
    {%- do run_query('create schema if not exists ' ~ adapter.quote(schema)) %}
    {%- endfor %}
    {%- for source in landed %}
    {%- set relation = api.Relation.create(schema=source.schema, identifier=source.identifier) %}
    {%- do run_query(
        'create table if not exists ' ~ relation ~ ' using parquet location '
        ~ sql_string(lake ~ '/' ~ source.schema ~ '/' ~ source.identifier)) %}
    {%- do run_query('refresh table ' ~ relation) %}
    {%- endfor %}
{% endmacro %}

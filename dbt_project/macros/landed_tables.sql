{#- Spark: the connectors land each feed entity, and their ingest ledger, as Parquet
    under CABLEBILL_LAKE (<lake>/<schema>/<table>/, orchestration/lake.py); each dbt
    source of schemas raw and ingest is registered as a table over its folder (once
    per catalog), and refreshed, so that a run reads what was landed before it.
    DuckDB reads the connectors' own tables in the warehouse and needs none of this. -#}
{% macro register_landed_tables() %}
    {#- Skipped when this process's Spark session registered the same publication of
        the lake before (CABLEBILL_LAKE_REGISTERED, orchestration/dbt_runner.py): a
        bill run's later builds read what its first one registered. -#}
    {%- if env_var('CABLEBILL_LAKE_REGISTERED', 'false') == 'true' %}{{ return('') }}{% endif %}
    {%- set lake = env_var('CABLEBILL_LAKE', 'lake') %}
    {%- set landed = graph.sources.values() | selectattr('schema', 'in', ['raw', 'ingest'])
        | sort(attribute='unique_id') | list %}
    {%- set registered = [] %}
    {%- for schema in landed | map(attribute='schema') | unique %}
    {%- do run_query('create schema if not exists ' ~ adapter.quote(schema)) %}
    {%- for table in run_query('show tables in ' ~ adapter.quote(schema)) %}
    {%- do registered.append((schema, table['tableName'])) %}
    {%- endfor %}
    {%- endfor %}
    {%- for source in landed %}
    {%- set relation = api.Relation.create(schema=source.schema, identifier=source.identifier) %}
    {%- if (source.schema, source.identifier) not in registered %}
    {%- do run_query(
        'create table ' ~ relation ~ ' using parquet location '
        ~ sql_string(lake ~ '/' ~ source.schema ~ '/' ~ source.identifier)) %}
    {%- endif %}
    {%- do run_query('refresh table ' ~ relation) %}
    {%- endfor %}
{% endmacro %}

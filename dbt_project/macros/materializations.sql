{#- Tables and views on DuckDB in one statement each, in one transaction.

    dbt's own build a relation under a temporary name, rename the old one away, rename
    the new one in and drop the old, then read the new one's columns twice to
    comment on them: six or more statements, each with its round of Jinja, cache
    lookups and events, for what DuckDB does atomically in one transaction. A failed
    build leaves the relation as it was. Contracts are enforced as dbt-duckdb enforces
    them (create_table_as; the column check for views), and descriptions are written
    into the catalog where the project asks for them (a documented column the table
    lacks fails the build). (Spark keeps dbt-spark's materializations.) -#}

{% materialization table, adapter="duckdb", supported_languages=["sql"] %}
    {%- set existing = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type="table") -%}
    {% call statement("main") -%}
        {% if existing is not none %}drop {{ existing.type }} if exists {{ existing }};{% endif %}
        {{ create_table_as(False, target_relation, compiled_code) }}
        {{ catalog_comments(target_relation, model) }}
    {%- endcall %}
    {{ adapter.commit() }}
    {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}

{% materialization view, adapter="duckdb", supported_languages=["sql"] %}
    {%- set existing = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type="view") -%}
    {% call statement("main") -%}
        {% if existing is not none and not existing.is_view %}drop table if exists {{ existing }};{% endif %}
        {% if config.get("contract").enforced %}{{ get_assert_columns_equivalent(compiled_code) }}{% endif %}
        create or replace view {{ target_relation }} as (
            {{ compiled_code }}
        );
    {%- endcall %}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}

{% macro catalog_comments(relation, model) %}
    {#- The model's description and its columns' as COMMENT statements, where the
        project persists them. -#}
    {%- if config.persist_relation_docs() and model.description %}
    comment on table {{ relation }} is {{ duckdb_escape_comment(model.description) }};
    {%- endif %}
    {%- if config.persist_column_docs() %}
    {%- for column in model.columns.values() %}
    comment on column {{ relation }}.{{ adapter.quote(column.name) if column.quote else column.name }}
    is {{ duckdb_escape_comment(column.description) }};
    {%- endfor %}
    {%- endif %}
{%- endmacro %}

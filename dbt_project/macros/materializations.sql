{#- Tables, views and incremental tables on DuckDB, each in one transaction and in
    as few statements as it takes.

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
    {%- do build_table(existing, target_relation) %}
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

{#- An incremental model: built whole as a table when it is new (or a full refresh
    is asked for), else its new rows are computed once into a temporary table,
    checked against the table's columns as on_schema_change says (`fail`: any
    column added, dropped or retyped fails the build; `ignore`: the table's columns
    are written), and appended, after deleting the rows whose unique_key they hold
    (delete+insert). dbt-duckdb takes ten statements and more for the same: the
    column lists read twice more, a statement per column comment. -#}
{% materialization incremental, adapter="duckdb", supported_languages=["sql"] %}
    {%- set existing = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type="table") -%}
    {%- set unique_key = config.get("unique_key") -%}
    {%- set strategy = config.get("incremental_strategy")
        or ("delete+insert" if unique_key else "append") -%}
    {%- if strategy not in ["append", "delete+insert"] %}
        {%- do exceptions.raise_compiler_error(
            "incremental_strategy " ~ strategy ~ " of " ~ this ~ ": on DuckDB the project builds "
            ~ "append and delete+insert (dbt_project/macros/materializations.sql)") %}
    {%- endif %}
    {%- if existing is none or existing.is_view or should_full_refresh() %}
    {%- do build_table(existing, target_relation) %}
    {%- else %}
    {%- set new_rows = make_temp_relation(target_relation) %}
    {%- do run_query(create_table_as(True, new_rows, compiled_code)) %}
    {%- set on_schema_change = incremental_validate_on_schema_change(
        config.get("on_schema_change"), default="ignore") %}
    {%- set columns = process_schema_changes(on_schema_change, new_rows, existing)
        or adapter.get_columns_in_relation(existing) %}
    {%- set column_list = columns | map(attribute="quoted") | join(", ") %}
    {%- set keys = ([unique_key] if unique_key is string else unique_key or []) %}
    {% call statement("main") -%}
        {% if strategy == "delete+insert" and keys %}
        delete from {{ target_relation }} as target
        where exists (
            select 1 from {{ new_rows }} as new_rows
            where {% for key in keys %}new_rows.{{ key }} = target.{{ key }}{{ " and " if not loop.last }}{% endfor %}
        );
        {% endif %}
        insert into {{ target_relation }} ({{ column_list }})
        select {{ column_list }} from {{ new_rows }};
        drop table {{ new_rows }};
        {{ catalog_comments(target_relation, model) }}
    {%- endcall %}
    {%- endif %}
    {{ adapter.commit() }}
    {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}

{% macro build_table(existing, target_relation) %}
    {#- The model built whole as `target_relation`, replacing `existing` (if any), with
        its descriptions, in one statement. -#}
    {% call statement("main") -%}
        {% if existing is not none %}drop {{ existing.type }} if exists {{ existing }};{% endif %}
        {{ create_table_as(False, target_relation, compiled_code) }}
        {{ catalog_comments(target_relation, model) }}
    {%- endcall %}
{% endmacro %}

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

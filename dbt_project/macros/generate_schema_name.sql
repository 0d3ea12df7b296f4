{#- Models land in schemas named for their layer (staging, intermediate, marts,
    settings), not "<target>_<layer>": the schema names are part of the contract
    with the exports and the gates. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}

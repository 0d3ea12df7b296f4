{#- Spark: dbt-spark writes column descriptions only into Delta, Hudi and Iceberg
    tables (its alter_column_comment does nothing for other formats), yet reads the
    columns of every table it documents first: one `describe extended` a table. The
    project's Parquet tables skip that; their descriptions are in `dbt docs`. -#}
{% macro spark__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if config.get('file_format', validator=validation.any[basestring])
        in ['delta', 'hudi', 'iceberg'] %}
    {%- do dbt_spark.spark__persist_docs(relation, model, for_relation, for_columns) %}
    {%- endif %}
{%- endmacro %}

{% macro latest_versions(recorded, key) -%}
    {#- Each key's highest version in `recorded` (a relation or CTE of versions; none
        before the first build: no rows, with CTE current_versions' columns). -#}
    {%- if recorded %}
        select recorded.*
        from {{ recorded }} as recorded
        where recorded.version = (
            select max(versions.version) from {{ recorded }} as versions
            where versions.{{ key }} = recorded.{{ key }}
        )
    {%- else %}
        select
            *,
            cast(null as integer) as version
        from current_versions
        where false
    {%- endif %}
{%- endmacro %}

{% macro new_versions(key, tracked) -%}
    {#- The rows of CTE current_versions that are new or differ from their key's
        version in CTE latest in any of the `tracked` columns, each numbered as the
        key's next version: what a CMS history appends. -#}
    select
        current_versions.*,
        cast(coalesce(latest.version, 0) + 1 as integer) as version
    from current_versions
    left join latest
        on current_versions.{{ key }} = latest.{{ key }}
    where
        latest.{{ key }} is null
        {%- for column in tracked %}
            or current_versions.{{ column }} is distinct from latest.{{ column }}
        {%- endfor %}
{%- endmacro %}

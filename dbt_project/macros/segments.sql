{% macro in_segment(date_expression, segment) -%}
    {#- Whether a date falls in a segment (`service_date` its first day, `days` long). -#}
    {{ date_expression }} >= {{ segment }}.service_date
    and {{ date_expression }} < {{ shift_date('day', segment ~ '.days', segment ~ '.service_date') }}
{%- endmacro %}

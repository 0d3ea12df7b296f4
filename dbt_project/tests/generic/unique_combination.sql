{% test unique_combination(model, columns) %}
{#- No two rows share the same values in all of `columns`. -#}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

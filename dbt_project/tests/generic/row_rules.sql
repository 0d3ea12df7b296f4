{% test row_rules(model, not_null=[], accepted_values={}, unique=[]) %}
{#- A model's row rules in one test, one scan: every `not_null` column holds a
    value, every `accepted_values` column ({column: [values]}) holds one of its
    values or null, and no two rows share the `unique` columns. One test per model
    instead of one per column and rule: a bill run pays for each dbt node and each
    Dagster check, and most of these rules sit on views, where a contract's
    constraints are not enforced. Returns each row that breaks a rule, with what it
    breaks, and each repeated key with how often it occurs. -#}
{%- set checks = [] -%}
{%- for column in not_null -%}
    {%- do checks.append(("case when " ~ column ~ " is null then '" ~ column ~ " is null' end", column ~ " is null")) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set allowed = "'" ~ values | join("', '") ~ "'" -%}
    {%- do checks.append(("case when " ~ column ~ " not in (" ~ allowed ~ ") then '" ~ column ~ " not accepted' end", column ~ " not in (" ~ allowed ~ ")")) -%}
{%- endfor -%}
{%- set parts = [] -%}
{%- if checks -%}
    {%- set broken -%}
select concat_ws('; ', {{ checks | map(attribute=0) | join(', ') }}) as broken_rule
from {{ model }}
where {{ checks | map(attribute=1) | join(' or ') }}
    {%- endset -%}
    {%- do parts.append(broken) -%}
{%- endif -%}
{%- if unique -%}
    {%- set repeated -%}
select concat('{{ unique | join(", ") }} repeated ', cast(count(*) as {{ dbt.type_string() }}), ' times') as broken_rule
from {{ model }}
group by {{ unique | join(', ') }}
having count(*) > 1
    {%- endset -%}
    {%- do parts.append(repeated) -%}
{%- endif -%}
{{ parts | join('\nunion all\n') }}
{% endtest %}

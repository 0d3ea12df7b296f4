{% macro draft_invoice_no(cycle_date, account_id) -%}
    {#- A draft's number: stable for the cycle and account, never a series number. -#}
    'DRAFT-' || replace(cast({{ cycle_date }} as {{ dbt.type_string() }}), '-', '')
    || '-' || {{ account_id }}
{%- endmacro %}

{% macro draft_invoice_no(cycle_date, account_id) -%}
    {#- A draft's number: stable for the cycle and account, never a series number. -#}
    'DRAFT-' || replace(cast({{ cycle_date }} as {{ dbt.type_string() }}), '-', '')
    || '-' || {{ account_id }}
{%- endmacro %}

{% macro prorated_description(name, opening, closing) -%}
    {#- A line's name, with `<opening>active/days<closing>` when it bills part of the
        period (columns active_days and days_in_period). -#}
    case
        when active_days < days_in_period
            then {{ name }} || '{{ opening }}' || cast(active_days as {{ dbt.type_string() }})
                || '/' || cast(days_in_period as {{ dbt.type_string() }}) || '{{ closing }}'
        else {{ name }}
    end
{%- endmacro %}

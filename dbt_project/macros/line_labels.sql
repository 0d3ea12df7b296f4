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

{% macro changed_date_label(changed_date, language) -%}
    {#- What a re-rated line's change moved, in `language` (ko, en), with a trailing
        space: column `changed_date` is one of the keys below. -#}
    {%- set labels = {
        'device_end': ('반납일', 'returned'),
        'device_start': ('대여일', 'rented from'),
        'end': ('종료일', 'end date'),
        'start': ('개시일', 'start date'),
    } %}
    case {{ changed_date }}
        {%- for key, label in labels.items() %}
            when '{{ key }}' then '{{ label[0] if language == "ko" else label[1] }} '
        {%- endfor %}
    end
{%- endmacro %}

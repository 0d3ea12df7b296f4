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

{% macro rerated_date_label(language) -%}
    {#- Which date a re-rated line's change moved, in `language` (ko, en), with a
        trailing space: of a device or a subscription (column covers), its end or
        its start (column end_changed). -#}
    {%- set labels = {
        'device': (('반납일', 'returned'), ('대여일', 'rented from')),
        'subscription': (('종료일', 'end date'), ('개시일', 'start date')),
    } %}
    {%- set at = 0 if language == 'ko' else 1 %}
    case
        {%- for covers, (end_label, start_label) in labels.items() %}
            when covers = '{{ covers }}' and end_changed then '{{ end_label[at] }} '
            when covers = '{{ covers }}' then '{{ start_label[at] }} '
        {%- endfor %}
    end
{%- endmacro %}

{% macro mask_keep(text, head, tail) -%}
    {#- `text` with all but its first `head` and last `tail` characters as `*`
        (a text no longer than head + tail: all `*`). -#}
    case
        when length({{ text }}) <= {{ head + tail }} then repeat('*', length({{ text }}))
        else
            substr({{ text }}, 1, {{ head }})
            || repeat('*', length({{ text }}) - {{ head + tail }})
            {%- if tail > 0 %}
            || substr({{ text }}, length({{ text }}) - {{ tail - 1 }}, {{ tail }})
            {%- endif %}
    end
{%- endmacro %}

{% macro sha256_hex(text) -%}
    {#- The SHA-256 of `text` as 64 lower-case hex digits. -#}
    {{ return(adapter.dispatch('sha256_hex', 'cablebill')(text)) }}
{%- endmacro %}

{% macro default__sha256_hex(text) -%}
    sha256({{ text }})
{%- endmacro %}

{% macro spark__sha256_hex(text) -%}
    sha2({{ text }}, 256)
{%- endmacro %}

{% macro digits_of(text) -%}
    {#- `text`'s digits only (a phone number as typed any way: 010-1234-5678). -#}
    {{ return(adapter.dispatch('digits_of', 'cablebill')(text)) }}
{%- endmacro %}

{% macro default__digits_of(text) -%}
    regexp_replace({{ text }}, '[^0-9]', '', 'g')
{%- endmacro %}

{% macro spark__digits_of(text) -%}
    regexp_replace({{ text }}, '[^0-9]', '')
{%- endmacro %}

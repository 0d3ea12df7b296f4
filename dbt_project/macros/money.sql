{#- Money arithmetic in integer minor units, so that no division ever produces a
    floating-point number (in DuckDB 2.0.1, decimal / n returns DOUBLE). Amounts are
    converted to minor units (won, cents) with the currency's minor_scale, divided
    with integer division, and converted back with minor_factor. -#}

{% macro to_minor(amount, minor_scale) -%}
    cast({{ amount }} * {{ minor_scale }} as bigint)
{%- endmacro %}

{% macro from_minor(minor_amount, minor_factor) -%}
    cast(cast({{ minor_amount }} as decimal(18, 0)) * {{ minor_factor }} as decimal(18, 2))
{%- endmacro %}

{% macro div_floor(numerator, denominator) -%}
    {#- floor(numerator / denominator) for BIGINT operands, exactly. -#}
    {{ return(adapter.dispatch('div_floor', 'cablebill')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__div_floor(numerator, denominator) -%}
    cast(floor(({{ numerator }}) div ({{ denominator }})) as bigint)
{%- endmacro %}

{% macro duckdb__div_floor(numerator, denominator) -%}
    (cast({{ numerator }} as bigint) // cast({{ denominator }} as bigint))
{%- endmacro %}

{% macro div_round_half_up(numerator, denominator) -%}
    {#- numerator / denominator rounded half up, for a non-negative numerator. -#}
    {{ div_floor('2 * (' ~ numerator ~ ') + (' ~ denominator ~ ')', '2 * (' ~ denominator ~ ')') }}
{%- endmacro %}

{% macro truncate_to_step(minor_amount, step) -%}
    {#- The largest multiple of `step` not above a non-negative amount (10원 미만 절사). -#}
    ({{ div_floor(minor_amount, step) }} * {{ step }})
{%- endmacro %}

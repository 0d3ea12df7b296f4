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
    {#- The amount truncated toward zero to a multiple of `step` (10원 미만 절사): a
        charge is never rounded up, nor a credit made larger. -#}
    (
        case
            when {{ minor_amount }} >= 0 then {{ div_floor(minor_amount, step) }} * {{ step }}
            else -({{ div_floor('-(' ~ minor_amount ~ ')', step) }} * {{ step }})
        end
    )
{%- endmacro %}

{% macro stacked_discount(stack, discount) -%}
    {#- What one discount takes from what the earlier ones left (scaled by N). -#}
    cast(
        case
            when {{ discount }}.method = 'percent'
                then cast({{ stack }}.left_scaled as decimal(26, 12))
                * {{ discount }}.discount_pct * 0.01
            else least(
                cast({{ discount }}.period_amount_minor as decimal(38, 12)), {{ stack }}.left_scaled
            )
        end as decimal(38, 12)
    )
{%- endmacro %}

{#- The discounts of `active` (one row per discount of a line on a day, numbered by
    stack_position from 1, with the line's full_charge_minor) applied in stack order:
    one row per discount with the amount it took (discount_scaled). -#}
{% macro discount_stack(active) -%}
    {{ return(adapter.dispatch('discount_stack', 'cablebill')(active)) }}
{%- endmacro %}

{% macro default__discount_stack(active) -%}
    with recursive stack (
        line_key, service_date, days, stack_position, discount_key, left_scaled, discount_scaled
    ) as (

        select distinct
            line_key,
            service_date,
            days,
            0,
            cast(null as {{ dbt.type_string() }}),
            cast(full_charge_minor as decimal(38, 12)),
            cast(0 as decimal(38, 12))
        from {{ active }}

        union all

        select
            stack.line_key,
            stack.service_date,
            stack.days,
            active.stack_position,
            active.discount_key,
            cast(stack.left_scaled - {{ stacked_discount('stack', 'active') }} as decimal(38, 12)),
            {{ stacked_discount('stack', 'active') }}
        from stack
        inner join {{ active }} as active
            on
                stack.line_key = active.line_key
                and stack.service_date = active.service_date
                and active.stack_position = stack.stack_position + 1

    )

    select line_key, service_date, days, discount_key, discount_scaled
    from stack
    where stack_position > 0
{%- endmacro %}

{#- Spark (no recursive CTE before 4.1): a fold over each line day's discounts,
    sorted by stack_position. -#}
{% macro spark__discount_stack(active) -%}
    select
        folded.line_key,
        folded.service_date,
        folded.days,
        taken.discount_key,
        taken.discount_scaled
    from (
        select
            line_key,
            service_date,
            days,
            aggregate(
                array_sort(collect_list(struct(
                    stack_position, discount_key, method, discount_pct, period_amount_minor
                ))),
                named_struct(
                    'left_scaled', cast(max(full_charge_minor) as decimal(38, 12)),
                    'taken', cast(array() as array<struct<
                        discount_key: string, discount_scaled: decimal(38, 12)
                    >>)
                ),
                (stack, active) -> named_struct(
                    'left_scaled',
                    cast(stack.left_scaled - {{ stacked_discount('stack', 'active') }}
                        as decimal(38, 12)),
                    'taken',
                    concat(stack.taken, array(named_struct(
                        'discount_key', active.discount_key,
                        'discount_scaled', {{ stacked_discount('stack', 'active') }}
                    )))
                )
            ).taken as discounts_taken
        from {{ active }}
        group by line_key, service_date, days
    ) as folded
    lateral view explode(folded.discounts_taken) exploded as taken
{%- endmacro %}

{% macro decimal_div_round_half_up(numerator, denominator) -%}
    {#- numerator / denominator rounded half up, for a non-negative decimal numerator
        with at most 12 decimals and an integer denominator, without floating point. -#}
    {{ return(adapter.dispatch('decimal_div_round_half_up', 'cablebill')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__decimal_div_round_half_up(numerator, denominator) -%}
    cast(floor((2 * ({{ numerator }}) + ({{ denominator }})) / (2 * ({{ denominator }}))) as bigint)
{%- endmacro %}

{% macro duckdb__decimal_div_round_half_up(numerator, denominator) -%}
    cast(
        cast((2 * ({{ numerator }}) + ({{ denominator }})) * 1000000000000 as hugeint)
        // cast(2 * ({{ denominator }}) * 1000000000000 as hugeint)
        as bigint
    )
{%- endmacro %}

{% macro format_pct(pct) -%}
    {#- A percentage for a description: `15%`, `12.5%`. -#}
    case
        when {{ pct }} = floor({{ pct }})
            then cast(cast({{ pct }} as bigint) as {{ dbt.type_string() }})
        else rtrim(cast({{ pct }} as {{ dbt.type_string() }}), '0')
    end || '%'
{%- endmacro %}

{% macro overage_tiers_unnested(products_relation) -%}
    {#- One row per tier of each product's overage_tiers JSON list, numbered from 1:
        product_code, valid_from, tier_no, up_to_gb (NULL = no limit), price_per_gb. -#}
    {{ return(adapter.dispatch('overage_tiers_unnested', 'cablebill')(products_relation)) }}
{%- endmacro %}

{% macro duckdb__overage_tiers_unnested(products_relation) -%}
    select
        parsed.product_code,
        parsed.valid_from,
        cast(tier_numbers.tier_no as integer) as tier_no,
        cast(parsed.tiers[tier_numbers.tier_no].up_to_gb as bigint) as up_to_gb,
        cast(parsed.tiers[tier_numbers.tier_no].price_per_gb as decimal(18, 2)) as price_per_gb
    from (
        select
            product_code,
            valid_from,
            from_json(
                overage_tiers, '[{"up_to_gb": "BIGINT", "price_per_gb": "DECIMAL(18, 2)"}]'
            ) as tiers
        from {{ products_relation }}
        where overage_tiers is not null
    ) as parsed,
        range(1, len(parsed.tiers) + 1) as tier_numbers (tier_no)
{%- endmacro %}

{% macro default__overage_tiers_unnested(products_relation) -%}
    select
        product_code,
        valid_from,
        cast(tier.pos + 1 as integer) as tier_no,
        cast(tier.col.up_to_gb as bigint) as up_to_gb,
        cast(tier.col.price_per_gb as decimal(18, 2)) as price_per_gb
    from {{ products_relation }}
    lateral view posexplode(
        from_json(overage_tiers, 'array<struct<up_to_gb:bigint,price_per_gb:decimal(18,2)>>')
    ) tier as pos, col
    where overage_tiers is not null
{%- endmacro %}

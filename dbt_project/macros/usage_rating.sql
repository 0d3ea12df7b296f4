{% macro usage_purchases() -%}
    {#- Every VOD and PPV purchase, one shape: a PPV event is a premium purchase. -#}
    select
        'vod' as usage_kind,
        event_id,
        account_id,
        title_id as item_code,
        coalesce(title_name, title_id) as item_name,
        purchase_type,
        price_tier,
        list_price,
        event_ts,
        event_date
    from {{ ref('stg_headend__vod_purchases') }}
    union all
    select
        'ppv' as usage_kind,
        event_id,
        account_id,
        event_code as item_code,
        coalesce(event_name, event_code) as item_name,
        'purchase' as purchase_type,
        'premium' as price_tier,
        list_price,
        event_ts,
        event_date
    from {{ ref('stg_headend__ppv_purchases') }}
{%- endmacro %}

{% macro usage_products_held(periods) -%}
    {#- For each account and service period of `periods` (account_id,
        usage_period_start): the VOD views included and the data allowance of the
        products held on any day of that period, and the internet product whose
        overage tiers apply (the one with the largest allowance). -#}
    select
        account_id,
        usage_period_start,
        sum(included_vod_views) as included_vod_views,
        sum(data_allowance_gb) as data_allowance_gb,
        max(case when tier_rank = 1 and overage_tiers is not null then product_code end)
            as tier_product_code,
        max(case when tier_rank = 1 and overage_tiers is not null then valid_from end)
            as tier_valid_from,
        max(case when tier_rank = 1 and overage_tiers is not null then overage_cap end)
            as overage_cap,
        max(case when tier_rank = 1 and overage_tiers is not null then tax_category end)
            as data_tax_category
    from (
        select
            periods.account_id,
            periods.usage_period_start,
            products.product_code,
            products.valid_from,
            coalesce(products.included_vod_views, 0) as included_vod_views,
            coalesce(products.data_allowance_gb, 0) as data_allowance_gb,
            products.overage_tiers,
            products.overage_cap,
            products.tax_category,
            row_number() over (
                partition by periods.account_id, periods.usage_period_start
                order by
                    (products.overage_tiers is null),
                    coalesce(products.data_allowance_gb, 0) desc,
                    products.product_code asc
            ) as tier_rank
        from {{ periods }} as periods
        inner join {{ ref('stg_cms__subscriptions') }} as subscriptions
            on
                periods.account_id = subscriptions.account_id
                and subscriptions.start_date
                < {{ shift_date('month', 1, 'periods.usage_period_start') }}
                and (
                    subscriptions.end_date is null
                    or periods.usage_period_start < subscriptions.end_date
                )
        inner join {{ ref('stg_cms__products') }} as products
            on
                subscriptions.product_code = products.product_code
                and periods.usage_period_start >= products.valid_from
                and (products.valid_to is null or periods.usage_period_start < products.valid_to)
    ) as held
    group by account_id, usage_period_start
{%- endmacro %}

{% macro standard_rental_ranks(periods) -%}
    {#- Every standard VOD rental of each account and period of `periods`, ranked in
        event order: the first included_vod_views of them are free. -#}
    select
        vod.event_id,
        row_number() over (
            partition by vod.account_id, periods.usage_period_start
            order by vod.event_ts, vod.event_id
        ) as rental_rank
    from {{ ref('stg_headend__vod_purchases') }} as vod
    inner join {{ periods }} as periods
        on
            vod.account_id = periods.account_id
            and vod.event_date >= periods.usage_period_start
            and vod.event_date < {{ shift_date('month', 1, 'periods.usage_period_start') }}
    where vod.purchase_type = 'rental' and vod.price_tier = 'standard'
{%- endmacro %}

{% macro data_overage_rated(usage, held) -%}
    {#- Data overage per account and period of `usage` (total_bytes): the GB started
        over the allowance of `held`, priced on the graduated tiers of its internet
        product (each tier's up_to_gb counts overage GB), capped at overage_cap. -#}
    select
        account_id,
        usage_period_start,
        overage_gb,
        data_tax_category,
        least(tiered_amount, coalesce(overage_cap, tiered_amount)) as overage_amount
    from (
        select
            overage.account_id,
            overage.usage_period_start,
            overage.overage_gb,
            overage.data_tax_category,
            overage.overage_cap,
            sum(
                greatest(
                    least(overage.overage_gb, coalesce(tiers.up_to_gb, overage.overage_gb))
                    - tiers.from_gb,
                    0
                ) * tiers.price_per_gb
            ) as tiered_amount
        from (
            select
                usage.account_id,
                usage.usage_period_start,
                held.overage_cap,
                held.data_tax_category,
                held.tier_product_code,
                held.tier_valid_from,
                greatest(
                    {{ div_floor(
                        'usage.total_bytes - held.data_allowance_gb * ' ~ var('bytes_per_gb')
                        ~ ' + ' ~ (var('bytes_per_gb') - 1),
                        var('bytes_per_gb')) }},
                    0
                ) as overage_gb
            from {{ usage }} as usage
            inner join {{ held }} as held
                on
                    usage.account_id = held.account_id
                    and usage.usage_period_start = held.usage_period_start
            where held.tier_product_code is not null
        ) as overage
        inner join (
            select
                unnested.*,
                coalesce(lag(unnested.up_to_gb) over (
                    partition by unnested.product_code, unnested.valid_from
                    order by unnested.tier_no
                ), 0) as from_gb
            from ({{ overage_tiers_unnested(ref('stg_cms__products')) }}) as unnested
        ) as tiers
            on
                overage.tier_product_code = tiers.product_code
                and overage.tier_valid_from = tiers.valid_from
        group by
            overage.account_id, overage.usage_period_start, overage.overage_gb,
            overage.data_tax_category, overage.overage_cap
    ) as rated
{%- endmacro %}

{% macro accounts_as_of() -%}
    {#- Every account created by the day (var as_of, as as_of_date), with its
        currency's minor unit and the first day of its service period holding the
        day. -#}
    select
        accounts.account_id,
        accounts.currency,
        currencies.minor_scale,
        currencies.minor_factor,
        as_of.as_of_date,
        {{ usage_period_start('as_of.as_of_date', 'accounts.bill_cycle_day') }} as period_start
    from {{ ref('stg_cms__accounts') }} as accounts
    inner join {{ ref('currencies') }} as currencies
        on accounts.currency = currencies.currency
    cross join (select cast('{{ var("as_of") }}' as date) as as_of_date) as as_of
    where {{ local_date('accounts.created_at') }} <= as_of.as_of_date
{%- endmacro %}

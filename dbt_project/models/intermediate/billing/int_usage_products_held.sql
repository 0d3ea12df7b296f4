{#- For each billed account and each service period that has usage to rate (this
    period, or an earlier one with late usage): the VOD views included and the data
    allowance of the products held on any day of that period, and the internet
    product whose overage tiers apply (the one with the largest allowance). -#}
with periods as (

    select distinct
        account_id,
        usage_period_start
    from (
        select
            account_id,
            usage_period_start
        from {{ ref('int_usage_events_unbilled') }}
        union all
        select
            account_id,
            usage_period_start
        from {{ ref('int_data_usage_by_period') }}
    ) as used

),

held as (

    select
        periods.account_id,
        periods.usage_period_start,
        products.product_code,
        products.valid_from,
        coalesce(products.included_vod_views, 0) as included_vod_views,
        coalesce(products.data_allowance_gb, 0) as data_allowance_gb,
        products.overage_tiers,
        products.overage_cap,
        products.tax_category
    from periods
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

),

ranked as (

    select
        *,
        row_number() over (
            partition by account_id, usage_period_start
            order by (overage_tiers is null), data_allowance_gb desc, product_code asc
        ) as tier_rank
    from held

)

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
from ranked
group by account_id, usage_period_start

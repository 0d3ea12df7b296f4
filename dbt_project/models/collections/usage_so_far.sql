{#- Each account's service period holding the day (var as_of), as the subscriber and
    the self-care app see it: data used against the allowance, VOD views left, the
    VOD, PPV and data overage charged so far (rated as the bill run rates them:
    int_usage_charges_open_period), the monthly charges so far (those held on the
    day, pro rata of the days elapsed, the day included, truncated to the minor
    unit), and a projection of the period: its monthly charges whole and the usage
    charged so far extended over the whole period (truncated); before discounts,
    credits and VAT, which the bill run applies. -#}
with accounts as (

    {{ accounts_as_of() }}

),

periods as (

    select
        *,
        {{ shift_date('month', 1, 'period_start') }} as period_end,
        {{ days_between('period_start', 'as_of_date') }} + 1 as days_elapsed
    from accounts

),

held as (

    select
        periods.account_id,
        sum(
            case
                when products.charge_type = 'monthly' then products.price * subscriptions.quantity
            end
        ) as monthly_total,
        sum(coalesce(products.included_vod_views, 0)) as vod_views_included,
        sum(coalesce(products.data_allowance_gb, 0)) as data_allowance_gb
    from periods
    inner join {{ ref('stg_cms__subscriptions') }} as subscriptions
        on
            periods.account_id = subscriptions.account_id
            and periods.as_of_date >= subscriptions.start_date
            and (subscriptions.end_date is null or periods.as_of_date < subscriptions.end_date)
    inner join {{ ref('stg_cms__products') }} as products
        on
            subscriptions.product_code = products.product_code
            and periods.period_start >= products.valid_from
            and (products.valid_to is null or periods.period_start < products.valid_to)
    group by periods.account_id

),

rentals as (

    select
        periods.account_id,
        count(*) as vod_views_used
    from periods
    inner join {{ ref('stg_headend__vod_purchases') }} as vod
        on
            periods.account_id = vod.account_id
            and periods.period_start <= vod.event_date
            and periods.as_of_date >= vod.event_date
    where vod.purchase_type = 'rental' and vod.price_tier = 'standard'
    group by periods.account_id

),

data_used as (

    select
        periods.account_id,
        sum(usage.bytes_down + usage.bytes_up) as data_used_bytes
    from periods
    inner join {{ ref('stg_headend__data_usage') }} as usage
        on
            periods.account_id = usage.account_id
            and periods.period_start <= usage.usage_date
            and periods.as_of_date >= usage.usage_date
    group by periods.account_id

),

charged as (

    select
        charges.account_id,
        sum(case when charges.charge_key like 'U:vod:%' then charges.amount_minor else 0 end)
            as vod_minor,
        sum(case when charges.charge_key like 'U:ppv:%' then charges.amount_minor else 0 end)
            as ppv_minor,
        sum(case when charges.charge_key like 'G:%' then charges.amount_minor else 0 end)
            as data_minor
    from {{ ref('int_usage_charges_open_period') }} as charges
    inner join periods
        on charges.account_id = periods.account_id and charges.period_start = periods.period_start
    group by charges.account_id

),

minor as (

    select
        periods.account_id,
        periods.as_of_date,
        periods.period_start,
        periods.period_end,
        periods.currency,
        periods.minor_factor,
        periods.days_elapsed,
        {{ days_between('periods.period_start', 'periods.period_end') }} as days_in_period,
        cast(coalesce(data_used.data_used_bytes, 0) as bigint) as data_used_bytes,
        cast(coalesce(held.data_allowance_gb, 0) as integer) as data_allowance_gb,
        cast(coalesce(held.vod_views_included, 0) as integer) as vod_views_included,
        cast(coalesce(rentals.vod_views_used, 0) as integer) as vod_views_used,
        coalesce(charged.vod_minor, 0) as vod_minor,
        coalesce(charged.ppv_minor, 0) as ppv_minor,
        coalesce(charged.data_minor, 0) as data_minor,
        {{ to_minor('coalesce(held.monthly_total, 0)', 'periods.minor_scale') }} as monthly_minor
    from periods
    left join held on periods.account_id = held.account_id
    left join rentals on periods.account_id = rentals.account_id
    left join data_used on periods.account_id = data_used.account_id
    left join charged on periods.account_id = charged.account_id

)

select
    account_id,
    as_of_date as as_of,
    period_start,
    period_end,
    currency,
    data_used_bytes,
    data_allowance_gb,
    case
        when data_allowance_gb > 0
            then cast(
                round(
                    cast(data_used_bytes as decimal(38, 4)) * 100
                    / (cast(data_allowance_gb as decimal(38, 4)) * {{ var('bytes_per_gb') }}), 1
                ) as decimal(9, 1)
            )
    end as data_used_pct,
    vod_views_included,
    vod_views_used,
    greatest(vod_views_included - vod_views_used, 0) as vod_views_left,
    {{ from_minor('vod_minor', 'minor_factor') }} as vod_so_far,
    {{ from_minor('ppv_minor', 'minor_factor') }} as ppv_so_far,
    {{ from_minor('data_minor', 'minor_factor') }} as data_overage_so_far,
    {{ from_minor(div_floor('monthly_minor * days_elapsed', 'days_in_period'), 'minor_factor') }}
        as monthly_so_far,
    {{ from_minor(
        'monthly_minor + ' ~ div_floor('(vod_minor + ppv_minor + data_minor) * days_in_period',
        'days_elapsed'), 'minor_factor') }} as projected_charges
from minor

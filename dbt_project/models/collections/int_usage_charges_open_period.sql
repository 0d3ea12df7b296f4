{#- Usage charges of each account's open service periods as of the day (var
    as_of), one row per charge: the period holding the day, and the one before it
    while its cycle is not closed yet. Every VOD and PPV purchase up to the day at
    its list price (standard rentals free up to the included views, in event order),
    and the period's data overage so far on the data usage up to the day, charged
    at the end of the day. Rated as the bill run rates them. -#}
with as_of as (

    select cast('{{ var("as_of") }}' as date) as as_of_date

),

accounts as (

    {{ accounts_as_of() }}

),

periods as (

    select
        account_id,
        period_start as usage_period_start
    from accounts
    union all
    select
        account_id,
        {{ shift_date('month', -1, 'period_start') }} as usage_period_start
    from accounts
    where period_start not in (
        select invoices.cycle_date from {{ source('ledger', 'invoices') }} as invoices
    )

),

held as (

    {{ usage_products_held('periods') }}

),

standard_rentals as (

    {{ standard_rental_ranks('periods') }}

),

purchases as (

    {{ usage_purchases() }}

),

data_usage as (

    select
        usage.account_id,
        periods.usage_period_start,
        sum(usage.bytes_down + usage.bytes_up) as total_bytes
    from {{ ref('stg_headend__data_usage') }} as usage
    inner join periods
        on
            usage.account_id = periods.account_id
            and usage.usage_date >= periods.usage_period_start
            and usage.usage_date < {{ shift_date('month', 1, 'periods.usage_period_start') }}
    cross join as_of
    where usage.usage_date <= as_of.as_of_date
    group by usage.account_id, periods.usage_period_start

),

data_rated as (

    {{ data_overage_rated('data_usage', 'held') }}

)

select
    purchases.account_id,
    periods.usage_period_start as period_start,
    'U:' || purchases.usage_kind || ':' || purchases.event_id as charge_key,
    purchases.event_ts as charged_at,
    case
        when free.event_id is not null then 0
        else {{ to_minor('purchases.list_price', 'accounts.minor_scale') }}
    end as amount_minor,
    accounts.minor_scale,
    accounts.minor_factor
from purchases
inner join periods
    on
        purchases.account_id = periods.account_id
        and purchases.event_date >= periods.usage_period_start
        and purchases.event_date < {{ shift_date('month', 1, 'periods.usage_period_start') }}
inner join accounts
    on purchases.account_id = accounts.account_id
cross join as_of
left join held
    on
        periods.account_id = held.account_id
        and periods.usage_period_start = held.usage_period_start
left join standard_rentals as free
    on
        purchases.usage_kind = 'vod'
        and purchases.event_id = free.event_id
        and free.rental_rank <= coalesce(held.included_vod_views, 0)
where purchases.event_date <= as_of.as_of_date
union all
select
    data_rated.account_id,
    data_rated.usage_period_start as period_start,
    'G:' || cast(data_rated.usage_period_start as {{ dbt.type_string() }}) as charge_key,
    {{ local_midnight(shift_date('day', 1, 'as_of.as_of_date')) }} as charged_at,
    {{ to_minor('data_rated.overage_amount', 'accounts.minor_scale') }} as amount_minor,
    accounts.minor_scale,
    accounts.minor_factor
from data_rated
inner join accounts
    on data_rated.account_id = accounts.account_id
cross join as_of
where data_rated.overage_amount > 0

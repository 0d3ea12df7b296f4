{#- Usage lines: each VOD and PPV purchase at its list price (standard-tier VOD
    rentals free up to the included views of the period, in event order), and data
    overage per period: started GB over the allowance, rated on graduated tiers and
    capped. Usage of a closed period (late events, a late period's data rated again
    with the difference billed) is a correction line naming it as late usage. A
    purchase whose kind has no product in the catalog is named by its kind and taxed
    at usage_tax_category. -#}
with held as (

    select * from {{ ref('int_usage_products_held') }}

),

periods as (

    select distinct
        account_id,
        usage_period_start
    from {{ ref('int_usage_events_unbilled') }}

),

{# ranks every standard rental of the period, billed or not #}
standard_rentals as (

    {{ standard_rental_ranks('periods') }}

),

usage_products as (

    select
        product_type,
        min(tax_category) as tax_category,
        min(name_ko) as name_ko,
        min(name_en) as name_en
    from {{ ref('int_products_at_period_start') }}
    where product_type in ('vod', 'ppv')
    group by product_type

),

events as (

    select
        events.account_id,
        case when events.is_late then 'correction' else 'usage' end as line_type,
        case when events.usage_kind = 'vod' then 6 else 7 end as line_group,
        'U:' || events.usage_kind || ':' || events.event_id as line_key,
        upper(events.usage_kind) as product_code,
        coalesce(
            usage_products.name_ko,
            case when events.usage_kind = 'vod' then '주문형 비디오(VOD)' else '유료 이벤트(PPV)' end
        ) || ': ' || events.item_name
        || case when free.event_id is not null then ' (포함 시청)' else '' end
        || case when events.is_late then ' (지연 청구)' else '' end as description_ko,
        coalesce(
            usage_products.name_en,
            case when events.usage_kind = 'vod' then 'Video on demand' else 'Pay-per-view' end
        ) || ': ' || events.item_name
        || case when free.event_id is not null then ' (included view)' else '' end
        || case when events.is_late then ' (late usage)' else '' end as description_en,
        cast(1 as bigint) as quantity,
        events.list_price as unit_price,
        case
            when free.event_id is not null then 0
            else {{ to_minor('events.list_price', 'billed.minor_scale') }}
        end as amount_minor,
        coalesce(usage_products.tax_category, '{{ var("usage_tax_category") }}') as tax_category,
        events.event_date as service_from,
        {{ shift_date('day', 1, 'events.event_date') }} as service_to,
        events.event_id as source_ref
    from {{ ref('int_usage_events_unbilled') }} as events
    inner join {{ ref('int_accounts_billed') }} as billed
        on events.account_id = billed.account_id
    left join usage_products
        on events.usage_kind = usage_products.product_type
    left join held
        on
            events.account_id = held.account_id
            and events.usage_period_start = held.usage_period_start
    left join standard_rentals as free
        on
            events.usage_kind = 'vod'
            and events.event_id = free.event_id
            and free.rental_rank <= coalesce(held.included_vod_views, 0)

),

data_rated as (

    {{ data_overage_rated(ref('int_data_usage_by_period'), 'held') }}

),

data_billed_before as (

    select
        account_id,
        service_from as usage_period_start,
        sum(amount) as billed_amount
    from {{ ref('int_ledger_invoice_lines_before_cycle') }}
    where
        line_type in ('usage', 'correction')
        and product_code = 'DATA'
        {#- only the periods rated again; a period is billed after it ends: the
            ledger is pruned by cycle_date #}
        and service_from >= {{ usage_window_start() }}
        and cycle_date > {{ usage_window_start() }}
    group by account_id, service_from

),

data_lines as (

    select
        data_rated.account_id,
        case
            when data_rated.usage_period_start < bill_cycle.period_start then 'correction'
            else 'usage'
        end as line_type,
        8 as line_group,
        'G:' || cast(data_rated.usage_period_start as {{ dbt.type_string() }}) as line_key,
        'DATA' as product_code,
        '데이터 초과 사용 ' || cast(data_rated.overage_gb as {{ dbt.type_string() }}) || 'GB'
        || case
            when data_rated.usage_period_start < bill_cycle.period_start
                then ' (지연 청구 정산)'
            else ''
        end as description_ko,
        'Data overage ' || cast(data_rated.overage_gb as {{ dbt.type_string() }}) || ' GB'
        || case
            when data_rated.usage_period_start < bill_cycle.period_start
                then ' (late usage, re-rated)'
            else ''
        end as description_en,
        data_rated.overage_gb as quantity,
        cast(null as decimal(18, 2)) as unit_price,
        {{ to_minor(
            'data_rated.overage_amount - coalesce(data_billed_before.billed_amount, 0)',
            'billed.minor_scale') }} as amount_minor,
        data_rated.data_tax_category as tax_category,
        data_rated.usage_period_start as service_from,
        {{ shift_date('month', 1, 'data_rated.usage_period_start') }} as service_to,
        'DATA:' || cast(data_rated.usage_period_start as {{ dbt.type_string() }}) as source_ref
    from data_rated
    inner join {{ ref('int_accounts_billed') }} as billed
        on data_rated.account_id = billed.account_id
    cross join {{ ref('int_bill_cycle') }} as bill_cycle
    left join data_billed_before
        on
            data_rated.account_id = data_billed_before.account_id
            and data_rated.usage_period_start = data_billed_before.usage_period_start

)

select * from events
union all
select * from data_lines
where amount_minor <> 0

{#- Revenue assurance as of the day: the newest headend entitlements snapshot
    delivered by then, against the service products billing holds each account for
    on the snapshot's day. authorised_not_billed: the headend authorises a product
    no subscription bills; billed_not_authorised: a subscription bills a product the
    headend does not authorise (accounts suspended or terminated by dunning
    excepted: they are meant to be). monthly_revenue is what is at stake a month
    (an annual price / 12, rounded down; empty for a product the catalog does not
    know). No snapshot with rows, no report. -#}
with as_of as (

    select cast('{{ var("as_of") }}' as date) as as_of_date

),

snapshot as (

    select entitlements._delivery_id as delivery_id
    from {{ source('headend', 'entitlements') }} as entitlements
    cross join as_of
    where {{ local_date('entitlements._extracted_at') }} <= as_of.as_of_date
    order by entitlements._extracted_at desc, entitlements._delivery_id desc
    limit 1

),

entitled as (

    select distinct
        entitlements.account_id,
        entitlements.product_code,
        {{ local_date('entitlements.as_of') }} as snapshot_date
    from {{ source('headend', 'entitlements') }} as entitlements
    inner join snapshot
        on entitlements._delivery_id = snapshot.delivery_id

),

snapshot_day as (

    select max(snapshot_date) as snapshot_date from entitled

),

products as (

    select
        products.product_code,
        products.product_type,
        products.charge_type,
        products.price,
        products.valid_from,
        products.valid_to
    from {{ ref('stg_cms__products') }} as products

),

held as (

    select
        subscriptions.account_id,
        subscriptions.product_code,
        sum(subscriptions.quantity) as quantity
    from {{ ref('stg_cms__subscriptions') }} as subscriptions
    cross join snapshot_day
    where
        subscriptions.start_date <= snapshot_day.snapshot_date
        and (
            subscriptions.end_date is null
            or subscriptions.end_date > snapshot_day.snapshot_date
        )
    group by subscriptions.account_id, subscriptions.product_code

),

mismatches as (

    select
        entitled.account_id,
        entitled.product_code,
        'authorised_not_billed' as kind,
        1 as quantity
    from entitled
    left join held
        on entitled.account_id = held.account_id and entitled.product_code = held.product_code
    where held.account_id is null
    union all
    select
        held.account_id,
        held.product_code,
        'billed_not_authorised' as kind,
        held.quantity
    from held
    cross join snapshot_day
    left join entitled
        on held.account_id = entitled.account_id and held.product_code = entitled.product_code
    where
        entitled.account_id is null
        and snapshot_day.snapshot_date is not null
        and held.account_id not in (
            select cut_off.account_id
            from {{ ref('int_last_account_command') }} as cut_off
            where cut_off.action in ('SUSPEND', 'DEACTIVATE')
        )

)

select
    mismatches.account_id,
    mismatches.product_code,
    mismatches.kind,
    as_of.as_of_date as as_of,
    case
        when products.charge_type = 'annual'
            then {{ from_minor(
                div_floor(to_minor('products.price', '100') ~ ' * mismatches.quantity', '12'),
                '0.01') }}
        else cast(products.price * mismatches.quantity as decimal(18, 2))
    end as monthly_revenue
from mismatches
cross join as_of
cross join snapshot_day
left join products
    on
        mismatches.product_code = products.product_code
        and snapshot_day.snapshot_date >= products.valid_from
        and (products.valid_to is null or snapshot_day.snapshot_date < products.valid_to)
where
    products.product_type is null
    or products.product_type in {{ service_product_types() }}

{#- Every charge of the cycle before discounts, one row per line, and what the
    discount engine needs: the full-period charge C = price x quantity (minor units)
    and the period's day count N (1 for a charge billed once). line_key identifies
    the line across the billing models. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

billed as (

    select * from {{ ref('int_accounts_billed') }}

),

recurring as (

    select
        active.account_id,
        'recurring' as line_type,
        1 as line_group,
        'S:' || active.subscription_id as line_key,
        active.subscription_id,
        active.product_code,
        active.product_type,
        active.name_ko,
        active.name_en,
        active.tax_category,
        active.quantity,
        active.price as unit_price,
        {{ to_minor('active.price', 'billed.minor_scale') }} * active.quantity as full_charge_minor,
        active.days_in_period,
        active.active_days,
        active.first_active_date as service_from,
        {{ shift_date('day', 1, 'active.last_active_date') }} as service_to,
        active.subscription_id as source_ref
    from {{ ref('int_subscriptions_active_days') }} as active
    inner join billed
        on active.account_id = billed.account_id
    where active.active_days > 0

),

rentals as (

    select
        rental_days.account_id,
        'recurring' as line_type,
        2 as line_group,
        rental_days.line_key,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        products.product_code,
        products.product_type,
        products.name_ko,
        products.name_en,
        products.tax_category,
        1 as quantity,
        products.price as unit_price,
        {{ to_minor('products.price', 'billed.minor_scale') }} as full_charge_minor,
        bill_cycle.days_in_period,
        sum(rental_days.days) as active_days,
        min(rental_days.service_date) as service_from,
        max({{ shift_date('day', 'rental_days.days', 'rental_days.service_date') }})
            as service_to,
        rental_days.device_serial as source_ref
    from {{ ref('int_device_rental_days') }} as rental_days
    inner join {{ ref('int_products_at_period_start') }} as products
        on rental_days.product_code = products.product_code
    inner join billed
        on rental_days.account_id = billed.account_id
    cross join bill_cycle
    group by
        rental_days.account_id, rental_days.line_key, rental_days.device_serial,
        products.product_code, products.product_type, products.name_ko, products.name_en,
        products.tax_category, products.price, billed.minor_scale, bill_cycle.days_in_period

),

anniversaries as (

    select
        subscriptions.subscription_id,
        {{ shift_date('year', 'offsets.years_after_start', 'subscriptions.start_date') }}
            as anniversary_date
    from {{ ref('stg_cms__subscriptions') }} as subscriptions
    inner join billed
        on subscriptions.account_id = billed.account_id
    cross join (
        {% for years in range(0, 31) -%}
            select {{ years }} as years_after_start
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as offsets

),

annual as (

    {# Billed in full on the first bill run after the start date and after each
        anniversary of it: the run whose period contains that date. #}
    select
        subscriptions.account_id,
        'recurring' as line_type,
        3 as line_group,
        'A:' || subscriptions.subscription_id as line_key,
        subscriptions.subscription_id,
        products.product_code,
        products.product_type,
        products.name_ko,
        products.name_en,
        products.tax_category,
        subscriptions.quantity,
        products.price as unit_price,
        {{ to_minor('products.price', 'billed.minor_scale') }} * subscriptions.quantity
            as full_charge_minor,
        1 as days_in_period,
        1 as active_days,
        anniversaries.anniversary_date as service_from,
        {{ shift_date('year', 1, 'anniversaries.anniversary_date') }} as service_to,
        subscriptions.subscription_id as source_ref
    from {{ ref('stg_cms__subscriptions') }} as subscriptions
    inner join billed
        on subscriptions.account_id = billed.account_id
    inner join {{ ref('int_products_at_period_start') }} as products
        on subscriptions.product_code = products.product_code
    inner join anniversaries
        on subscriptions.subscription_id = anniversaries.subscription_id
    cross join bill_cycle
    where
        products.charge_type = 'annual'
        and anniversaries.anniversary_date >= bill_cycle.period_start
        and anniversaries.anniversary_date < bill_cycle.period_end
        and (
            subscriptions.end_date is null
            or subscriptions.end_date > anniversaries.anniversary_date
        )

),

orders as (

    select
        orders.account_id,
        'one_time' as line_type,
        4 as line_group,
        'O:' || orders.order_id as line_key,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        products.product_code,
        products.product_type,
        products.name_ko,
        products.name_en,
        products.tax_category,
        orders.quantity,
        products.price as unit_price,
        {{ to_minor('products.price', 'billed.minor_scale') }}
        * orders.quantity as full_charge_minor,
        1 as days_in_period,
        1 as active_days,
        orders.completed_date as service_from,
        {{ shift_date('day', 1, 'orders.completed_date') }} as service_to,
        orders.order_id as source_ref
    from {{ ref('stg_cms__orders') }} as orders
    inner join billed
        on orders.account_id = billed.account_id
    cross join bill_cycle
    inner join {{ ref('stg_cms__products') }} as products
        on
            orders.product_code = products.product_code
            and orders.completed_date >= products.valid_from
            and (products.valid_to is null or orders.completed_date < products.valid_to)
    where
        orders.completed_date >= bill_cycle.period_start
        and orders.completed_date < bill_cycle.period_end

),

lines as (

    select * from recurring
    union all
    select * from rentals
    union all
    select * from annual
    union all
    select * from orders

)

select
    *,
    {# price x quantity x active_days / days_in_period, rounded down: a whole
        period bills exactly the price (일할계산 절사). #}
    {{ div_floor('full_charge_minor * active_days', 'days_in_period') }} as amount_minor
from lines

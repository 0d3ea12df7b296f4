{#- The days on which each charge line bills, for the discount engine, as segments
    (first day, days): every day a line is active carries a 1/N share of its
    full-period charge. A charge billed once (one-time, annual) has a single day
    with N = 1. -#}
with lines as (

    select * from {{ ref('int_charge_lines_base') }}

),

subscription_days as (

    select
        lines.line_key,
        service_days.service_date,
        service_days.days
    from lines
    inner join {{ ref('int_subscription_service_days') }} as service_days
        on lines.subscription_id = service_days.subscription_id
    where
        lines.line_group = 1
        and (not service_days.is_suspended or lines.product_type = 'equipment')

),

rental_days as (

    select
        lines.line_key,
        rental_days.service_date,
        rental_days.days
    from lines
    inner join {{ ref('int_device_rental_days') }} as rental_days
        on lines.line_key = rental_days.line_key
    where lines.line_group = 2

),

single_days as (

    select
        line_key,
        service_from as service_date,
        1 as days
    from lines
    where line_group in (3, 4)

),

days as (

    select * from subscription_days
    union all
    select * from rental_days
    union all
    select * from single_days

)

select
    lines.account_id,
    lines.line_key,
    lines.subscription_id,
    lines.product_code,
    lines.product_type,
    lines.full_charge_minor,
    lines.days_in_period,
    days.service_date,
    days.days
from days
inner join lines
    on days.line_key = lines.line_key

{#- One row per rented device of a billed account and segment of the period it is
    held (rented_from inclusive, returned_at exclusive): the segment's first day and
    its days. Rental accrues during suspensions. -#}
select
    'D:' || devices.device_serial || ':'
    || cast(devices.rented_from as {{ dbt.type_string() }}) as line_key,
    devices.device_serial,
    devices.account_id,
    devices.rental_product_code as product_code,
    devices.rented_from,
    segments.service_date,
    segments.days
from {{ ref('stg_cms__devices') }} as devices
inner join {{ ref('int_accounts_billed') }} as billed
    on devices.account_id = billed.account_id
inner join {{ ref('int_service_segments') }} as segments
    on
        devices.account_id = segments.account_id
        and devices.rented_from <= segments.service_date
        and (devices.returned_at is null or devices.returned_at > segments.service_date)

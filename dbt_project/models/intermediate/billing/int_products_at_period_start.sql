{#- The catalog row of each product in effect on the period's first day: a price
    change takes effect from the next period. -#}
select products.*
from {{ ref('stg_cms__products') }} as products
cross join {{ ref('int_bill_cycle') }} as bill_cycle
where
    products.valid_from <= bill_cycle.period_start
    and (products.valid_to is null or products.valid_to > bill_cycle.period_start)

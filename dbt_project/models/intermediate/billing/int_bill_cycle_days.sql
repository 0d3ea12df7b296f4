{#- Every day of the service period, for rules that count days. -#}
with offsets as (

    {% for offset in range(31) -%}
    select {{ offset }} as day_offset
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    cycle.cycle_date,
    cast({{ dbt.dateadd('day', 'offsets.day_offset', 'cycle.period_start') }} as date)
        as service_date
from {{ ref('int_bill_cycle') }} as cycle
inner join offsets
    on offsets.day_offset < cycle.days_in_period

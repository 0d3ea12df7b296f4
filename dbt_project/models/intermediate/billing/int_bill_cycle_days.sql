{#- Every day of the service period, for rules that count days. -#}
with offsets as (

    {% for offset in range(31) -%}
        select {{ offset }} as day_offset
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    bill_cycle.cycle_date,
    {{ shift_date('day', 'offsets.day_offset', 'bill_cycle.period_start') }}
        as service_date
from {{ ref('int_bill_cycle') }} as bill_cycle
inner join offsets
    on bill_cycle.days_in_period > offsets.day_offset

{#- The gates ops overrode for the run that closed the cycle, with their reasons
    (vars gate_overrides, {gate: reason}, and run_id, set by the close step). -#}
with due as (

    select
        cast(null as date) as cycle_date,
        cast(null as {{ dbt.type_string() }}) as gate,
        cast(null as {{ dbt.type_string() }}) as reason,
        cast(null as {{ dbt.type_string() }}) as run_id,
        current_timestamp as recorded_at
    where 1 = 0
    {%- for gate, reason in var('gate_overrides', {}) | dictsort %}
    union all
    select
        {{ bill_cycle_date() }} as cycle_date,
        {{ sql_string(gate) }} as gate,
        {{ sql_string(reason) }} as reason,
        {{ sql_string(var('run_id', '')) }} as run_id,
        current_timestamp as recorded_at
    {%- endfor %}

)

select
    due.cycle_date,
    due.gate,
    due.reason,
    due.run_id,
    due.recorded_at
from due
{{ closing_once(source('ledger', 'gate_overrides')) }}

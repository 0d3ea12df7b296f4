{#- The bill_jumps gate's rows, one per account billed in both the draft cycle and
    the previous closed cycle of the same cycle day (with a positive bill then):
    jumped = 1 when its bill grew more than `bill_jump_factor` times, decided on the
    DECIMAL amounts (no ratio in floating point). -#}
with {{ compared_invoices() }}

select
    c.account_id,
    cast(p.current_charges as {{ dbt.type_string() }}) as previous_charges,
    cast(c.current_charges as {{ dbt.type_string() }}) as current_charges,
    case
        when c.current_charges > {{ var('bill_jump_factor') }} * p.current_charges then 1
        else 0
    end as jumped
from current_invoices as c
inner join previous_invoices as p on c.account_id = p.account_id
where p.current_charges > 0

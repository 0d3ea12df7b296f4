{#- The bill_jumps gate's rows, one per account billed in both the draft cycle and
    the previous closed cycle of the same cycle day (with a positive bill then): how
    many times its bill grew. -#}
with {{ compared_invoices() }}

select
    c.account_id,
    cast(p.current_charges as {{ dbt.type_string() }}) as previous_charges,
    cast(c.current_charges as {{ dbt.type_string() }}) as current_charges,
    cast(c.current_charges / p.current_charges as double) as growth
from current_invoices as c
inner join previous_invoices as p on c.account_id = p.account_id
where p.current_charges > 0

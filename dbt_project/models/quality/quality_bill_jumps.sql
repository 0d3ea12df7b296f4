{#- The bill_jumps gate's rows, one per account billed in both the draft cycle and
    the previous closed cycle of the same cycle day (with a positive bill then):
    jumped = 1 when its bill grew more than `bill_jump_factor` times, decided on the
    DECIMAL amounts (no ratio in floating point). A previous bill that is no base for
    the comparison leaves the account out: one that charged no service (equipment
    aside) for its whole period (the customer joined or paused then), or one reduced
    by a credit (an outage's, a support agent's). -#}
with {{ compared_invoices() }},

product_types as (
    select distinct
        product_code,
        product_type
    from {{ ref('stg_cms__products') }}
),

no_base as (
    select closed.account_id
    from {{ source('ledger', 'invoices') }} as closed
    inner join {{ source('ledger', 'invoice_lines') }} as lines
        on closed.invoice_no = lines.invoice_no
    left join product_types as types on lines.product_code = types.product_code
    where
        closed.cycle_date = (select previous_cycle.cycle_date from previous_cycle)
        and lines.line_type in ('recurring', 'credit')
    group by closed.account_id
    having
        max(case when lines.line_type = 'credit' then 1 else 0 end) = 1
        or max(
            case
                when
                    lines.line_type = 'recurring'
                    and types.product_type != 'equipment'
                    and lines.service_from = closed.period_start
                    and lines.service_to = closed.period_end
                    then 1
                else 0
            end
        ) = 0
)

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
where
    p.current_charges > 0
    and c.account_id not in (select n.account_id from no_base as n)

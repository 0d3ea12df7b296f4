{#- Closed invoice lines of earlier cycles only: building a cycle again, even one already
    closed, sees the same history and so produces the same drafts. -#}
select closed.*
from {{ source('ledger', 'invoice_lines') }} as closed
inner join {{ ref('int_bill_cycle') }} as bill_cycle
    on closed.cycle_date < bill_cycle.cycle_date

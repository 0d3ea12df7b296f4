{#- Write-offs shown on a closed invoice. The daily collections record a write-off
    the day it happens; the journal and the allocations take it in with the bill
    run whose invoice shows it (its cycle_date), as they take in payments. -#}
select write_offs.*
from {{ ref('stg_ledger__write_offs') }} as write_offs
inner join {{ ref('stg_ledger__invoices') }} as invoices
    on
        write_offs.account_id = invoices.account_id
        and write_offs.cycle_date = invoices.cycle_date

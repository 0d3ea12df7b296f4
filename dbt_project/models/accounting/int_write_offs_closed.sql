{#- Write-offs of closed cycles. The daily collections record a write-off the day
    it happens, for the account's next bill run (its cycle_date); the journal and the
    allocations take it in with that run's close, as they take in payments, whether
    the account got an invoice then or not. -#}
select write_offs.*
from {{ source('ledger', 'write_offs') }} as write_offs
where write_offs.cycle_date in (
    select invoices.cycle_date
    from {{ source('ledger', 'invoices') }} as invoices
)

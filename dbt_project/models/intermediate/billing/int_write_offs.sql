{#- Write-offs this cycle's invoices show: recorded by the daily collections since
    the account's previous bill run (their cycle_date is this cycle), in payments
    and credits; no late fee on a balance written off. -#}
select
    write_offs.account_id,
    write_offs.written_off_on,
    write_offs.oldest_invoice_no,
    write_offs.amount
from {{ ref('stg_ledger__write_offs') }} as write_offs
inner join {{ ref('int_bill_cycle') }} as bill_cycle
    on write_offs.cycle_date = bill_cycle.cycle_date

{#- Write-offs this cycle's invoices show, in payments and credits: recorded by the
    daily collections since the account's previous bill run (their cycle_date is
    this cycle), and those of an earlier cycle whose close gave the account no
    invoice, after its latest invoice; no late fee on a balance written off. -#}
select
    write_offs.account_id,
    write_offs.written_off_on,
    write_offs.oldest_invoice_no,
    write_offs.amount
from {{ source('ledger', 'write_offs') }} as write_offs
inner join {{ ref('int_account_balances') }} as balances
    on write_offs.account_id = balances.account_id
inner join {{ ref('int_bill_cycle') }} as bill_cycle
    on
        write_offs.cycle_date <= bill_cycle.cycle_date
        and (
            balances.previous_cycle_date is null
            or write_offs.cycle_date > balances.previous_cycle_date
        )

{#- The balances the day's collections run writes off, recorded once per account
    and day; the next bill run shows them and the journal posts them. -#}
select
    due.account_id,
    due.cycle_date,
    due.written_off_on,
    due.oldest_invoice_no,
    due.amount,
    due.currency
from {{ ref('write_offs_due') }} as due
{{ not_recorded(['account_id', 'written_off_on']) }}

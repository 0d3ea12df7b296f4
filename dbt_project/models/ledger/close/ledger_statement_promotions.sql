{#- The promotions each of the cycle's statements lists, under the invoice's ledger
    number. -#}
select
    numbered.invoice_no,
    due.account_id,
    due.cycle_date,
    due.promo_code,
    due.name,
    due.starts_on,
    due.ends_on
from {{ ref('statement_promotions') }} as due
{{ ledger_invoice_number('due.invoice_no', 'inner') }}
{{ closing_once(source('ledger', 'statement_promotions')) }}

{{
    config(
        materialized='incremental',
        **cycle_drafts_config()
    )
}}

{#- The opening balances this cycle's close takes in, with the invoice that shows
    them as its previous balance (none when the account gets no invoice: a balance
    its payments settled exactly). -#}
select
    invoices.invoice_no,
    opening.account_id,
    opening.cycle_date,
    cast(opening.amount as decimal(18, 2)) as amount,
    opening.currency,
    opening.as_of,
    opening.due_date,
    opening.legacy_ref
from {{ ref('int_opening_balances') }} as opening
left join {{ ref('invoices') }} as invoices
    on
        opening.account_id = invoices.account_id
        and opening.cycle_date = invoices.cycle_date

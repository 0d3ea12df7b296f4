{#- The account details each of the cycle's invoices was issued to, as its statement
    shows them for good. -#}
select
    numbered.invoice_no,
    accounts.account_id,
    due.cycle_date,
    accounts.name,
    accounts.address,
    accounts.customer_type,
    accounts.language,
    accounts.payment_method,
    accounts.card_last4,
    accounts.virtual_account_no,
    accounts.business_reg_no
from {{ ref('invoices') }} as due
{{ ledger_invoice_number('due.invoice_no') }}
inner join {{ ref('dim_accounts') }} as accounts on due.account_id = accounts.account_id
{{ closing_once(source('ledger', 'invoice_accounts')) }}

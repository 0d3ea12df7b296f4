select * from {{ source('ledger', 'invoice_payments') }}

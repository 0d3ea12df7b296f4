select * from {{ source('ledger', 'invoices') }}

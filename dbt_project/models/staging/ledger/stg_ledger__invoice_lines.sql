select * from {{ source('ledger', 'invoice_lines') }}

select * from {{ source('ledger', 'credit_notes') }}

select * from {{ source('ledger', 'suspense_payments') }}

select * from {{ source('ledger', 'closed_deliveries') }}

select * from {{ source('ledger', 'write_offs') }}

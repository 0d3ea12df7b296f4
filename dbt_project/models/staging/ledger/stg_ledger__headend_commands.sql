select * from {{ source('ledger', 'headend_commands') }}

{#- Deposits no account claims as of this bill run (the suspense list): recorded
    in the ledger's suspense when a cycle closes, released when an account with the
    virtual account number appears. -#}
select
    'VA:' || deposit_id as payment_ref,
    virtual_account_no,
    deposited_date as received_on,
    cast(amount as decimal(18, 2)) as amount
from {{ ref('int_payments_unmatched') }}

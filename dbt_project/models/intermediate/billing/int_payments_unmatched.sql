{#- Virtual-account deposits no account claims, held in suspense until an account
    with that virtual account number appears. -#}
select
    deposits.deposit_id,
    deposits.virtual_account_no,
    deposits.amount,
    deposits.deposited_date
from {{ ref('stg_payments__va_deposits') }} as deposits
left join {{ ref('stg_cms__accounts') }} as accounts
    on deposits.virtual_account_no = accounts.virtual_account_no
where accounts.account_id is null

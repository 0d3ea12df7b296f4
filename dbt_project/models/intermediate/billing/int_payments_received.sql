{#- Money received per account: approved card and easy-pay settlements, successful
    auto-debits, virtual-account deposits matched through the account's virtual
    account number, less refunds and chargebacks. Unmatched deposits are in
    int_payments_unmatched. -#}
with received as (

    select
        'CARD:' || txn_id as payment_ref,
        account_id,
        amount,
        processed_date as received_on
    from {{ ref('stg_payments__card_settlements') }}
    where status = 'approved'
    union all
    select
        'DEBIT:' || request_id as payment_ref,
        account_id,
        amount,
        processed_on as received_on
    from {{ ref('stg_payments__autodebit_results') }}
    where result = 'success'
    union all
    select
        'VA:' || deposits.deposit_id as payment_ref,
        accounts.account_id,
        deposits.amount,
        deposits.deposited_date as received_on
    from {{ ref('stg_payments__va_deposits') }} as deposits
    inner join {{ ref('stg_cms__accounts') }} as accounts
        on deposits.virtual_account_no = accounts.virtual_account_no
    union all
    select
        'REFUND:' || refund_id as payment_ref,
        account_id,
        -amount as amount,
        processed_date as received_on
    from {{ ref('stg_payments__refunds') }}

)

select * from received

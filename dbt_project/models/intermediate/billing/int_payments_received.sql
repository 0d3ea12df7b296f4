{{ config(materialized="view") }}

{#- Money received per account: approved card and easy-pay settlements, successful
    auto-debits, virtual-account deposits matched through the account's virtual
    account number, less refunds and chargebacks (booked against the method of the
    payment they reverse, a bank transfer when it is not known). Unmatched deposits
    are in int_payments_unmatched. A view: the daily collections read it live. -#}
with card as (

    select * from {{ ref('stg_payments__card_settlements') }}
    where status = 'approved'

),

received as (

    select
        'CARD:' || txn_id as payment_ref,
        account_id,
        amount,
        method,
        processed_date as received_on
    from card
    union all
    select
        'DEBIT:' || request_id as payment_ref,
        account_id,
        amount,
        'auto_debit' as method,
        processed_on as received_on
    from {{ ref('stg_payments__autodebit_results') }}
    where result = 'success'
    union all
    select
        'VA:' || deposits.deposit_id as payment_ref,
        accounts.account_id,
        deposits.amount,
        'virtual_account' as method,
        deposits.deposited_date as received_on
    from {{ ref('stg_payments__va_deposits') }} as deposits
    inner join {{ ref('stg_cms__accounts') }} as accounts
        on deposits.virtual_account_no = accounts.virtual_account_no
    union all
    select
        'REFUND:' || refunds.refund_id as payment_ref,
        refunds.account_id,
        -refunds.amount as amount,
        coalesce(card.method, 'bank_transfer') as method,
        refunds.processed_date as received_on
    from {{ ref('stg_payments__refunds') }} as refunds
    left join card
        on refunds.original_txn_id = card.txn_id

)

select * from received

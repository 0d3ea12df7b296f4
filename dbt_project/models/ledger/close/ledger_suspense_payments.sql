{#- Deposits no account claimed when the cycle closed, each recorded once (the
    suspense GL account holds them until they are matched). -#}
with due as (

    select
        payment_ref,
        virtual_account_no,
        {{ bill_cycle_date() }} as cycle_date,
        received_on,
        amount
    from {{ ref('payments_suspense') }}

)

select
    due.payment_ref,
    due.virtual_account_no,
    due.cycle_date,
    due.received_on,
    due.amount
from due
{{ closing_once(source('ledger', 'suspense_payments'), ['payment_ref']) }}

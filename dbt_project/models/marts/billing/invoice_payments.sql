{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='cycle_date',
    )
}}

{#- The payments and refunds each invoice counts in payments_and_credits: once an
    invoice is closed, they are never counted again. -#}
select
    {{ draft_invoice_no('bill_cycle.cycle_date', 'received.account_id') }} as invoice_no,
    received.account_id,
    bill_cycle.cycle_date,
    received.payment_ref,
    cast(received.amount as decimal(18, 2)) as amount,
    received.method,
    received.received_on
from {{ ref('int_payments_received') }} as received
inner join {{ ref('int_accounts_billed') }} as billed
    on received.account_id = billed.account_id
cross join {{ ref('int_bill_cycle') }} as bill_cycle
where received.payment_ref not in (
    select shown.payment_ref
    from {{ ref('int_ledger_invoice_payments_before_cycle') }} as shown
)

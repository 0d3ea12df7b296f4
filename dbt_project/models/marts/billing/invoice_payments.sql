{{
    config(
        materialized='incremental',
        **cycle_drafts_config()
    )
}}

{#- The payments and refunds this cycle's close records, once each: those of the
    cycle's accounts ingested since, with the invoice that shows them. An account
    with no invoice this cycle (it owes nothing and is owed nothing) has none
    (invoice_no null): its next invoice shows them. -#}
select
    invoices.invoice_no,
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
left join {{ ref('invoices') }} as invoices
    on
        received.account_id = invoices.account_id
        and bill_cycle.cycle_date = invoices.cycle_date
where received.payment_ref not in (
    select recorded.payment_ref
    from {{ ref('int_ledger_invoice_payments_before_cycle') }} as recorded
)

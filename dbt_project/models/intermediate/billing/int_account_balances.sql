{#- Per billed account: the previous balance (amount due on its latest closed
    invoice, negative when in credit) and the payments, refunds and credit notes not
    shown on a closed invoice yet (everything ingested up to this bill run). -#}
with previous as (

    select
        invoices.*,
        row_number() over (
            partition by invoices.account_id order by invoices.cycle_date desc
        ) as recency
    from {{ ref('int_ledger_invoices_before_cycle') }} as invoices

),

shown as (

    select distinct payment_ref
    from {{ ref('int_ledger_invoice_payments_before_cycle') }}

),

new_payments as (

    select
        received.account_id,
        sum(received.amount) as payments_amount
    from {{ ref('int_payments_received') }} as received
    where received.payment_ref not in (select shown.payment_ref from shown)
    group by received.account_id

),

credit_notes as (

    select
        account_id,
        {{ from_minor('sum(supply_minor + vat_minor)', 'max(minor_factor)') }} as credited_amount
    from {{ ref('int_credit_note_lines') }}
    group by account_id

)

select
    billed.account_id,
    previous.invoice_no as previous_invoice_no,
    previous.due_date as previous_due_date,
    coalesce(previous.current_charges, 0) as previous_current_charges,
    coalesce(previous.amount_due, 0) as previous_balance,
    coalesce(new_payments.payments_amount, 0)
    + coalesce(credit_notes.credited_amount, 0) as payments_and_credits
from {{ ref('int_accounts_billed') }} as billed
left join previous
    on billed.account_id = previous.account_id and previous.recency = 1
left join new_payments
    on billed.account_id = new_payments.account_id
left join credit_notes
    on billed.account_id = credit_notes.account_id

{#- Per billed account: the previous balance (amount due on its latest closed
    invoice, negative when in credit, plus an opening balance from the previous
    billing system this run takes in) and the payments, refunds and credit notes not
    shown on a closed invoice yet: those ingested up to this bill run that no close
    recorded, this run's credit notes, and those an earlier close recorded when the
    account got no invoice (owing nothing and owed nothing), after its latest
    invoice. -#}
with previous as (

    select
        invoices.*,
        row_number() over (
            partition by invoices.account_id order by invoices.cycle_date desc
        ) as recency
    from {{ ref('int_ledger_invoices_before_cycle') }} as invoices

),

latest as (

    select
        billed.account_id,
        previous.invoice_no,
        previous.cycle_date,
        previous.due_date,
        previous.current_charges,
        previous.amount_due
    from {{ ref('int_accounts_billed') }} as billed
    left join previous
        on billed.account_id = previous.account_id and previous.recency = 1

),

latest_or_opening as (

    {# an opening balance stands for the previous invoice of an account that has
        none yet (its late fee and its reference); beside a closed invoice it adds
        to it #}
    select
        latest.account_id,
        latest.cycle_date,
        coalesce(latest.invoice_no, opening.legacy_ref) as invoice_no,
        coalesce(latest.due_date, opening.due_date) as due_date,
        coalesce(latest.current_charges, opening.amount) as current_charges,
        coalesce(latest.amount_due, 0) + coalesce(opening.amount, 0) as amount_due
    from latest
    left join {{ ref('int_opening_balances') }} as opening
        on latest.account_id = opening.account_id

),

recorded as (

    select
        payment_ref,
        account_id,
        invoice_no,
        cycle_date,
        amount
    from {{ ref('int_ledger_invoice_payments_before_cycle') }}

),

settled as (

    select
        received.account_id,
        received.amount
    from {{ ref('int_payments_received') }} as received
    where received.payment_ref not in (select recorded.payment_ref from recorded)
    union all
    select
        recorded.account_id,
        recorded.amount
    from recorded
    inner join latest
        on recorded.account_id = latest.account_id
    where
        recorded.invoice_no is null
        and (latest.cycle_date is null or recorded.cycle_date > latest.cycle_date)
    union all
    select
        lines.account_id,
        {{ from_minor('lines.supply_minor + lines.vat_minor', 'lines.minor_factor') }}
    from {{ ref('int_credit_note_lines') }} as lines
    union all
    select
        notes.account_id,
        notes.total
    from {{ ref('int_ledger_credit_notes_before_cycle') }} as notes
    inner join latest
        on notes.account_id = latest.account_id
    where latest.cycle_date is null or notes.cycle_date > latest.cycle_date

)

select
    latest.account_id,
    latest.invoice_no as previous_invoice_no,
    latest.cycle_date as previous_cycle_date,
    latest.due_date as previous_due_date,
    coalesce(latest.current_charges, 0) as previous_current_charges,
    coalesce(latest.amount_due, 0) as previous_balance,
    coalesce(sum(settled.amount), 0) as payments_and_credits
from latest_or_opening as latest
left join settled
    on latest.account_id = settled.account_id
group by
    latest.account_id,
    latest.invoice_no,
    latest.cycle_date,
    latest.due_date,
    latest.current_charges,
    latest.amount_due

{#- What each account owes as of the day (var as_of), invoice by invoice (an opening
    balance from the previous billing system first, as an invoice of its as_of date
    due on its due date): payments
    received up to that day (shown on an invoice yet or not), credit notes and
    write-offs pay the oldest invoice first; a refund or chargeback takes back what it
    paid, so the newest invoice it had paid is open again, due as it was.
    open_amount is what is left of each invoice. -#}
with as_of as (

    select cast('{{ var("as_of") }}' as date) as as_of_date

),

owed as (

    select
        opening.account_id,
        opening.legacy_ref as ref,
        opening.as_of as dated,
        opening.due_date,
        opening.amount
    from {{ source('ledger', 'opening_balances') }} as opening
    where opening.amount > 0
    union all
    select
        invoices.account_id,
        invoices.invoice_no as ref,
        invoices.issue_date as dated,
        invoices.due_date,
        invoices.current_charges as amount
    from {{ source('ledger', 'invoices') }} as invoices
    cross join as_of
    where invoices.current_charges > 0 and invoices.issue_date <= as_of.as_of_date

),

settled as (

    select
        received.account_id,
        received.payment_ref as ref,
        received.received_on as dated,
        received.amount
    from {{ ref('int_payments_received') }} as received
    cross join as_of
    where received.received_on <= as_of.as_of_date
    union all
    select
        credit_notes.account_id,
        credit_notes.credit_note_no as ref,
        credit_notes.issue_date as dated,
        sum(credit_notes.total) as amount
    from {{ source('ledger', 'credit_notes') }} as credit_notes
    cross join as_of
    where credit_notes.issue_date <= as_of.as_of_date
    group by credit_notes.account_id, credit_notes.credit_note_no, credit_notes.issue_date
    union all
    select
        write_offs.account_id,
        'WO:' || write_offs.account_id || ':'
        || cast(write_offs.cycle_date as {{ dbt.type_string() }}) as ref,
        write_offs.written_off_on as dated,
        write_offs.amount
    from {{ source('ledger', 'write_offs') }} as write_offs
    cross join as_of
    where write_offs.written_off_on <= as_of.as_of_date
    union all
    select
        invoices.account_id,
        invoices.invoice_no as ref,
        invoices.issue_date as dated,
        -invoices.current_charges as amount
    from {{ source('ledger', 'invoices') }} as invoices
    cross join as_of
    where invoices.current_charges < 0 and invoices.issue_date <= as_of.as_of_date
    union all
    select
        opening.account_id,
        opening.legacy_ref as ref,
        opening.as_of as dated,
        -opening.amount as amount
    from {{ source('ledger', 'opening_balances') }} as opening
    where opening.amount < 0

),

owed_stretches as (

    select
        owed.*,
        coalesce(sum(owed.amount) over (
            partition by owed.account_id
            order by owed.dated, owed.ref
            rows between unbounded preceding and 1 preceding
        ), 0) as from_amount
    from owed

),

settled_totals as (

    select
        account_id,
        sum(amount) as settled_amount
    from settled
    group by account_id

)

select
    owed.account_id,
    owed.ref as invoice_no,
    owed.dated as issue_date,
    owed.due_date,
    cast(owed.amount as decimal(18, 2)) as amount,
    cast(
        owed.amount - least(
            owed.amount,
            greatest(coalesce(totals.settled_amount, 0) - owed.from_amount, 0)
        ) as decimal(18, 2)
    ) as open_amount
from owed_stretches as owed
left join settled_totals as totals
    on owed.account_id = totals.account_id

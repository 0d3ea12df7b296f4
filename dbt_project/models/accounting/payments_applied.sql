{#- How each payment is applied (export `payments_applied`): oldest invoice first.
    Per account, what is owed (an opening balance from the previous billing system,
    invoices, refunds and chargebacks reopening what they reverse) and what settles
    it (payments, credit notes, write-offs, invoices in credit, an opening credit) are laid end to end in the order the ledger recorded them; a payment
    pays the part of an invoice its stretch overlaps. Both sequences only grow, so
    an allocation once exported never changes; cycle_date is the bill run that made
    it. -#}
with opening as (

    select
        account_id,
        legacy_ref as ref,
        'invoice' as kind,
        cycle_date,
        as_of as dated,
        amount
    from {{ source('ledger', 'opening_balances') }}

),

owed as (

    select * from opening
    where amount > 0
    union all
    select
        account_id,
        invoice_no as ref,
        'invoice' as kind,
        cycle_date,
        issue_date as dated,
        current_charges as amount
    from {{ source('ledger', 'invoices') }}
    where current_charges > 0
    union all
    select
        account_id,
        payment_ref as ref,
        'refund' as kind,
        cycle_date,
        received_on as dated,
        -amount as amount
    from {{ source('ledger', 'invoice_payments') }}
    where amount < 0

),

settled as (

    select
        account_id,
        payment_ref as ref,
        'payment' as kind,
        cycle_date,
        received_on as dated,
        amount
    from {{ source('ledger', 'invoice_payments') }}
    where amount > 0
    union all
    select
        account_id,
        credit_note_no as ref,
        'credit_note' as kind,
        cycle_date,
        issue_date as dated,
        sum(total) as amount
    from {{ source('ledger', 'credit_notes') }}
    group by account_id, credit_note_no, cycle_date, issue_date
    union all
    select
        account_id,
        account_id || ':' || cast(written_off_on as {{ dbt.type_string() }}) as ref,
        'write_off' as kind,
        cycle_date,
        written_off_on as dated,
        amount
    from {{ ref('int_write_offs_closed') }}
    union all
    select
        account_id,
        invoice_no as ref,
        'invoice' as kind,
        cycle_date,
        issue_date as dated,
        -current_charges as amount
    from {{ source('ledger', 'invoices') }}
    where current_charges < 0
    union all
    select
        account_id,
        ref,
        kind,
        cycle_date,
        dated,
        -amount as amount
    from opening
    where amount < 0

),

{% for side in ['owed', 'settled'] %}
    {{ side }}_stretches as (

        select
            *,
            coalesce(sum(amount) over (
                partition by account_id
                order by cycle_date, dated, kind, ref
                rows between unbounded preceding and 1 preceding
            ), 0) as from_amount
        from {{ side }}

    ),
{% endfor %}

applied as (

    select
        settled.ref as payment_ref,
        settled.account_id,
        owed.ref as invoice_no,
        least(owed.from_amount + owed.amount, settled.from_amount + settled.amount)
        - greatest(owed.from_amount, settled.from_amount) as amount_applied,
        greatest(owed.dated, settled.dated) as applied_on,
        greatest(owed.cycle_date, settled.cycle_date) as cycle_date
    from settled_stretches as settled
    inner join owed_stretches as owed
        on
            settled.account_id = owed.account_id
            and owed.from_amount < settled.from_amount + settled.amount
            and settled.from_amount < owed.from_amount + owed.amount
    where settled.kind = 'payment' and owed.kind = 'invoice'

)

select
    payment_ref,
    account_id,
    invoice_no,
    cast(amount_applied as decimal(18, 2)) as amount_applied,
    applied_on,
    cycle_date
from applied

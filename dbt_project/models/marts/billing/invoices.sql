{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **cycle_drafts_config()
    )
}}

{#- One invoice per billed account with any charge, or with a balance after this
    run's payments and credits: an account that owes nothing and is owed nothing
    gets none, and what it paid waits for its next invoice.
    amount_due = previous_balance - payments_and_credits + current_charges, where
    payments and credits include credit notes and a balance written off. Drafts
    carry a draft number; finalisation assigns the numbered series. -#}
with billed as (

    select * from {{ ref('int_accounts_billed') }}

),

totals as (

    select * from {{ ref('int_invoice_totals_rounded') }}

),

balances as (

    select * from {{ ref('int_account_balances') }}

),

invoiced as (

    select
        balances.account_id,
        coalesce(totals.supply_minor, 0) as supply_minor,
        coalesce(totals.vat_minor, 0) as vat_minor,
        coalesce(totals.rounding_minor, 0) as rounding_minor,
        coalesce(totals.current_charges_minor, 0) as current_charges_minor,
        balances.previous_balance,
        balances.payments_and_credits + coalesce(write_offs.amount, 0) as payments_and_credits
    from balances
    left join totals
        on balances.account_id = totals.account_id
    left join (
        select
            account_id,
            sum(amount) as amount
        from {{ ref('int_write_offs') }}
        group by account_id
    ) as write_offs
        on balances.account_id = write_offs.account_id
    where
        totals.account_id is not null
        or balances.previous_balance - balances.payments_and_credits
        - coalesce(write_offs.amount, 0) <> 0

)

select
    {{ draft_invoice_no('bill_cycle.cycle_date', 'invoiced.account_id') }} as invoice_no,
    invoiced.account_id,
    bill_cycle.cycle_date,
    bill_cycle.period_start,
    bill_cycle.period_end,
    bill_cycle.issue_date,
    bill_cycle.due_date,
    billed.currency,
    {{ from_minor('invoiced.supply_minor', 'billed.minor_factor') }} as supply_amount,
    {{ from_minor('invoiced.vat_minor', 'billed.minor_factor') }} as vat_amount,
    {{ from_minor('invoiced.rounding_minor', 'billed.minor_factor') }} as rounding_amount,
    {{ from_minor('invoiced.current_charges_minor', 'billed.minor_factor') }}
        as current_charges,
    cast(invoiced.previous_balance as decimal(18, 2)) as previous_balance,
    cast(invoiced.payments_and_credits as decimal(18, 2)) as payments_and_credits,
    cast(
        invoiced.previous_balance - invoiced.payments_and_credits
        + {{ from_minor('invoiced.current_charges_minor', 'billed.minor_factor') }}
        as decimal(18, 2)
    ) as amount_due,
    'draft' as status
from invoiced
inner join billed
    on invoiced.account_id = billed.account_id
cross join {{ ref('int_bill_cycle') }} as bill_cycle

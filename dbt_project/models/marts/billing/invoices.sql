{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='cycle_date',
        on_schema_change='fail',
    )
}}

{#- One invoice per billed account with a charge in the bill_cycle. Drafts carry a
    draft number; finalisation assigns the numbered series. -#}
with accounts as (

    select * from {{ ref('int_accounts_billed') }}

),

totals as (

    select * from {{ ref('int_invoice_totals_rounded') }}

)

select
    {{ draft_invoice_no('bill_cycle.cycle_date', 'totals.account_id') }} as invoice_no,
    totals.account_id,
    bill_cycle.cycle_date,
    bill_cycle.period_start,
    bill_cycle.period_end,
    bill_cycle.issue_date,
    bill_cycle.due_date,
    accounts.currency,
    {{ from_minor('totals.supply_minor', 'accounts.minor_factor') }} as supply_amount,
    {{ from_minor('totals.vat_minor', 'accounts.minor_factor') }} as vat_amount,
    {{ from_minor('totals.rounding_minor', 'accounts.minor_factor') }} as rounding_amount,
    {{ from_minor('totals.current_charges_minor', 'accounts.minor_factor') }}
        as current_charges,
    cast(0 as decimal(18, 2)) as previous_balance,
    cast(0 as decimal(18, 2)) as payments_and_credits,
    {{ from_minor('totals.current_charges_minor', 'accounts.minor_factor') }} as amount_due,
    'draft' as status
from totals
inner join accounts
    on totals.account_id = accounts.account_id
cross join {{ ref('int_bill_cycle') }} as bill_cycle

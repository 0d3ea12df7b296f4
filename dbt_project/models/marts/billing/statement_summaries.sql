{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **cycle_drafts_config()
    )
}}

{#- What a statement shows beside its lines, per invoice of the cycle: the data
    used in the billed period against the allowance of the products held, and what
    is overdue on the issue date (the previous bill unpaid past its due date, at
    least min_dunning_amount), which the statement shows in an overdue box. -#}
with invoices as (

    select invoices.*
    from {{ ref('invoices') }} as invoices
    inner join {{ ref('int_bill_cycle') }} as bill_cycle
        on invoices.cycle_date = bill_cycle.cycle_date

),

data_used as (

    select
        usage.account_id,
        usage.total_bytes,
        held.data_allowance_gb
    from {{ ref('int_data_usage_by_period') }} as usage
    inner join {{ ref('int_bill_cycle') }} as bill_cycle
        on usage.usage_period_start = bill_cycle.period_start
    left join {{ ref('int_usage_products_held') }} as held
        on
            usage.account_id = held.account_id
            and usage.usage_period_start = held.usage_period_start

),

overdue as (

    select
        invoices.invoice_no,
        balances.previous_due_date,
        invoices.previous_balance - invoices.payments_and_credits as unpaid
    from invoices
    inner join {{ ref('int_account_balances') }} as balances
        on invoices.account_id = balances.account_id
    where balances.previous_due_date < invoices.issue_date

)

select
    invoices.invoice_no,
    invoices.account_id,
    invoices.cycle_date,
    cast(data_used.total_bytes as bigint) as data_used_bytes,
    cast(data_used.data_allowance_gb as bigint) as data_allowance_gb,
    cast(overdue.unpaid as decimal(18, 2)) as overdue_amount,
    overdue.previous_due_date as overdue_since
from invoices
left join data_used
    on invoices.account_id = data_used.account_id
left join overdue
    on
        invoices.invoice_no = overdue.invoice_no
        and overdue.unpaid >= {{ var('min_dunning_amount') }}

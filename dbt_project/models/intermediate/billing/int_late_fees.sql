{#- A late fee of late_fee_pct of what is still unpaid of the previous invoice's own
    charges, at the first bill run after its due date, rounded half up; untaxed.
    Payments go to the oldest debt first, so they cover the balance the previous
    invoice carried before its own charges. None on a balance written off at this run. -#}
with balances as (

    select
        balances.*,
        least(
            balances.previous_current_charges,
            greatest(balances.previous_balance - balances.payments_and_credits, 0)
        ) as unpaid_amount
    from {{ ref('int_account_balances') }} as balances
    cross join {{ ref('int_bill_cycle') }} as bill_cycle
    where
        balances.previous_invoice_no is not null
        and balances.previous_due_date < bill_cycle.issue_date
        and balances.account_id not in (
            select write_offs.account_id from {{ ref('int_write_offs') }} as write_offs
        )

)

select
    balances.account_id,
    'late_fee' as line_type,
    10 as line_group,
    'L:' || balances.previous_invoice_no as line_key,
    cast(null as {{ dbt.type_string() }}) as product_code,
    '연체 가산금 (' || balances.previous_invoice_no || ')' as description_ko,
    'Late fee (' || balances.previous_invoice_no || ')' as description_en,
    cast(null as bigint) as quantity,
    cast(null as decimal(18, 2)) as unit_price,
    {{ div_round_half_up(
        to_minor('balances.unpaid_amount', 'billed.minor_scale') ~ ' * ' ~ var('late_fee_pct'),
        '100') }} as amount_minor,
    'none' as tax_category,
    cast(null as date) as service_from,
    cast(null as date) as service_to,
    balances.previous_invoice_no as source_ref
from balances
inner join {{ ref('int_accounts_billed') }} as billed
    on balances.account_id = billed.account_id
where balances.unpaid_amount > 0

{#- Per invoice: supply, VAT, and the truncation of current charges down to the
    currency's rounding step (10 KRW), shown as its own untaxed line. -#}
with supply as (

    select
        account_id,
        sum(amount_minor) as supply_minor,
        max(line_no) as last_charge_line_no
    from {{ ref('int_invoice_lines_assembled') }}
    group by account_id

),

vat as (

    select
        account_id,
        sum(vat_minor) as vat_minor
    from {{ ref('int_invoice_taxes_computed') }}
    group by account_id

),

totals as (

    select
        supply.account_id,
        supply.supply_minor,
        coalesce(vat.vat_minor, 0) as vat_minor,
        supply.supply_minor + coalesce(vat.vat_minor, 0) as charges_before_rounding_minor,
        supply.last_charge_line_no,
        billed.rounding_unit_minor
    from supply
    left join vat
        on supply.account_id = vat.account_id
    inner join {{ ref('int_accounts_billed') }} as billed
        on supply.account_id = billed.account_id

)

select
    account_id,
    supply_minor,
    vat_minor,
    {{ truncate_to_step('charges_before_rounding_minor', 'rounding_unit_minor') }}
    - charges_before_rounding_minor as rounding_minor,
    {{ truncate_to_step('charges_before_rounding_minor', 'rounding_unit_minor') }}
        as current_charges_minor,
    last_charge_line_no
from totals

{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **cycle_drafts_config()
    )
}}

{#- Every line of every invoice of the cycle: charges with their discounts and
    credits, then VAT per taxed category, then the rounding line. Money is in the
    currency's major unit. -#}
with billed as (

    select * from {{ ref('int_accounts_billed') }}

),

totals as (

    select * from {{ ref('int_invoice_totals_rounded') }}

),

charge_lines as (

    select
        account_id,
        line_no,
        line_type,
        product_code,
        description_ko,
        description_en,
        quantity,
        unit_price,
        amount_minor,
        service_from,
        service_to,
        source_ref,
        discounts_line_no,
        tax_category
    from {{ ref('int_invoice_lines_assembled') }}

),

vat_lines as (

    select
        taxes.account_id,
        totals.last_charge_line_no + row_number() over (
            partition by taxes.account_id order by taxes.tax_category
        ) as line_no,
        'vat' as line_type,
        cast(null as {{ dbt.type_string() }}) as product_code,
        taxes.label_ko || ' ' || cast(cast(taxes.rate * 100 as integer) as {{ dbt.type_string() }})
        || '%' as description_ko,
        taxes.label_en || ' ' || cast(cast(taxes.rate * 100 as integer) as {{ dbt.type_string() }})
        || '%' as description_en,
        cast(null as bigint) as quantity,
        cast(null as decimal(18, 2)) as unit_price,
        taxes.vat_minor as amount_minor,
        cast(null as date) as service_from,
        cast(null as date) as service_to,
        cast(null as {{ dbt.type_string() }}) as source_ref,
        cast(null as integer) as discounts_line_no,
        taxes.tax_category
    from {{ ref('int_invoice_taxes_computed') }} as taxes
    inner join totals
        on taxes.account_id = totals.account_id
    where taxes.rate > 0 and taxes.vat_minor <> 0

),

rounding_lines as (

    select
        totals.account_id,
        coalesce(max(vat_lines.line_no), totals.last_charge_line_no) + 1 as line_no,
        'rounding' as line_type,
        cast(null as {{ dbt.type_string() }}) as product_code,
        '10원 미만 절사' as description_ko,
        'Rounding (below 10 won)' as description_en,
        cast(null as bigint) as quantity,
        cast(null as decimal(18, 2)) as unit_price,
        totals.rounding_minor as amount_minor,
        cast(null as date) as service_from,
        cast(null as date) as service_to,
        cast(null as {{ dbt.type_string() }}) as source_ref,
        cast(null as integer) as discounts_line_no,
        cast(null as {{ dbt.type_string() }}) as tax_category
    from totals
    left join vat_lines
        on totals.account_id = vat_lines.account_id
    where totals.rounding_minor <> 0
    group by totals.account_id, totals.last_charge_line_no, totals.rounding_minor

),

lines as (

    select * from charge_lines
    union all
    select * from vat_lines
    union all
    select * from rounding_lines

)

select
    {{ draft_invoice_no('billed.cycle_date', 'lines.account_id') }} as invoice_no,
    cast(lines.line_no as integer) as line_no,
    lines.line_type,
    lines.product_code,
    lines.description_ko,
    lines.description_en,
    lines.quantity,
    lines.unit_price,
    {{ from_minor('lines.amount_minor', 'billed.minor_factor') }} as amount,
    lines.service_from,
    lines.service_to,
    lines.source_ref,
    cast(lines.discounts_line_no as integer) as discounts_line_no,
    lines.account_id,
    billed.cycle_date,
    billed.currency,
    lines.tax_category
from lines
inner join billed
    on lines.account_id = billed.account_id

{#- Every charge line of the cycle before tax, numbered per account in a stable
    order: by kind of charge, then by what it comes from. -#}
with charges as (

    select
        account_id,
        line_type,
        1 as line_group,
        product_code,
        case
            when active_days < days_in_period
                then
                    name_ko || ' (일할 ' || cast(active_days as {{ dbt.type_string() }})
                    || '/' || cast(days_in_period as {{ dbt.type_string() }}) || '일)'
            else name_ko
        end as description_ko,
        case
            when active_days < days_in_period
                then
                    name_en || ' (prorated ' || cast(active_days as {{ dbt.type_string() }})
                    || '/' || cast(days_in_period as {{ dbt.type_string() }}) || ' days)'
            else name_en
        end as description_en,
        quantity,
        unit_price,
        amount_minor,
        tax_category,
        service_from,
        service_to,
        source_ref
    from {{ ref('int_recurring_charges_prorated') }}

)

select
    charges.*,
    row_number() over (
        partition by charges.account_id
        order by charges.line_group, charges.source_ref, charges.product_code
    ) as line_no
from charges

{#- Every line of every invoice before tax, numbered: each charge followed by its
    discounts (in stack order) and credits, charges ordered by kind (monthly,
    rentals, annual, one-time, early termination, VOD, PPV, data, adjustments and
    corrections, late fees) and then by what they bill. -#}
with base as (

    select
        account_id,
        line_key,
        line_type,
        line_group,
        product_code,
        {{ prorated_description('name_ko', ' (일할 ', '일)') }} as description_ko,
        {{ prorated_description('name_en', ' (prorated ', ' days)') }} as description_en,
        cast(quantity as bigint) as quantity,
        unit_price,
        amount_minor,
        tax_category,
        service_from,
        service_to,
        source_ref,
        {#- the days a monthly subscription or a rental line bills (re-rating reads
            them from the ledger) #}
        cast(case when line_group in (1, 2) then active_days end as integer) as billed_days
    from {{ ref('int_charge_lines_base') }}

),

other_charges as (

    {% for charges in [
        'int_early_termination_charges', 'int_usage_lines_rated',
        'int_adjustment_lines', 'int_recurring_corrections', 'int_recurring_backbills',
        'int_late_fees'
    ] %}
        select
            account_id,
            line_key,
            line_type,
            line_group,
            product_code,
            description_ko,
            description_en,
            quantity,
            unit_price,
            amount_minor,
            tax_category,
            service_from,
            service_to,
            source_ref,
            cast(null as integer) as billed_days
        from {{ ref(charges) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

parents as (

    select
        *,
        cast(null as {{ dbt.type_string() }}) as parent_key,
        0 as child_order
    from base
    union all
    select
        *,
        cast(null as {{ dbt.type_string() }}) as parent_key,
        0 as child_order
    from other_charges

),

discounts as (

    select
        discounts.account_id,
        discounts.line_key || '|' || discounts.discount_key as line_key,
        'discount' as line_type,
        parents.line_group,
        parents.product_code,
        discounts.name_ko
        || case
            when discounts.method = 'percent' and discounts.discount_pct < 100
                then ' ' || {{ format_pct('discounts.discount_pct') }}
            else ''
        end as description_ko,
        discounts.name_en
        || case
            when discounts.method = 'percent' and discounts.discount_pct < 100
                then ' ' || {{ format_pct('discounts.discount_pct') }}
            else ''
        end as description_en,
        cast(null as bigint) as quantity,
        cast(null as decimal(18, 2)) as unit_price,
        -discounts.discount_minor as amount_minor,
        parents.tax_category,
        parents.service_from,
        parents.service_to,
        case
            when discounts.discount_key = 'CONTRACT' then 'CONTRACT:' || discounts.subscription_id
            else discounts.discount_key
        end as source_ref,
        cast(null as integer) as billed_days,
        discounts.line_key as parent_key,
        row_number() over (
            partition by discounts.line_key
            order by discounts.stack_group, discounts.priority, discounts.discount_key
        ) as child_order
    from {{ ref('int_discount_lines_capped') }} as discounts
    inner join parents
        on discounts.line_key = parents.line_key
    where discounts.discount_minor > 0

),

credits as (

    select
        credits.account_id,
        credits.line_key || '|OUTAGE' as line_key,
        'credit' as line_type,
        parents.line_group,
        parents.product_code,
        '장애 보상 (' || parents.description_ko || ')' as description_ko,
        'Outage credit (' || parents.description_en || ')' as description_en,
        cast(null as bigint) as quantity,
        cast(null as decimal(18, 2)) as unit_price,
        -credits.credit_minor as amount_minor,
        credits.tax_category,
        parents.service_from,
        parents.service_to,
        'OUTAGE' as source_ref,
        cast(null as integer) as billed_days,
        credits.line_key as parent_key,
        100 as child_order
    from {{ ref('int_outage_credits') }} as credits
    inner join parents
        on credits.line_key = parents.line_key

),

lines as (

    select * from parents
    union all
    select * from discounts
    union all
    select * from credits

),

numbered as (

    select
        lines.*,
        row_number() over (
            partition by lines.account_id
            order by
                lines.line_group,
                coalesce(parent.source_ref, lines.source_ref),
                coalesce(lines.parent_key, lines.line_key),
                lines.child_order
        ) as line_no
    from lines
    left join parents as parent
        on lines.parent_key = parent.line_key

)

select
    numbered.*,
    parent_numbers.line_no as discounts_line_no
from numbered
left join numbered as parent_numbers
    on numbered.parent_key = parent_numbers.line_key

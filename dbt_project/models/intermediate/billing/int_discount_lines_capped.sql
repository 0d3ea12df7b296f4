{#- One discount line per line and discount: its period total rounded half up once,
    then capped at what remains of the line after the discounts before it, so that
    no line goes below zero. -#}
with stacked as (

    select
        stacked.line_key,
        stacked.discount_key,
        stacked.discounted_days,
        {{ decimal_div_round_half_up('stacked.discount_scaled', 'lines.days_in_period') }}
            as rounded_minor,
        lines.amount_minor as line_amount_minor,
        lines.account_id,
        lines.tax_category,
        lines.subscription_id
    from {{ ref('int_discounts_stacked') }} as stacked
    inner join {{ ref('int_charge_lines_base') }} as lines
        on stacked.line_key = lines.line_key

),

described as (

    select distinct
        line_key,
        discount_key,
        stack_group,
        priority,
        method,
        discount_pct,
        name_ko,
        name_en
    from {{ ref('int_discounts_active') }}

),

ordered as (

    select
        stacked.*,
        described.stack_group,
        described.priority,
        described.method,
        described.discount_pct,
        described.name_ko,
        described.name_en,
        coalesce(sum(stacked.rounded_minor) over (
            partition by stacked.line_key
            order by described.stack_group, described.priority, stacked.discount_key
            rows between unbounded preceding and 1 preceding
        ), 0) as taken_before_minor
    from stacked
    inner join described
        on
            stacked.line_key = described.line_key
            and stacked.discount_key = described.discount_key

)

select
    account_id,
    line_key,
    discount_key,
    stack_group,
    priority,
    method,
    discount_pct,
    name_ko,
    name_en,
    tax_category,
    subscription_id,
    discounted_days,
    least(rounded_minor, greatest(line_amount_minor - taken_before_minor, 0)) as discount_minor
from ordered

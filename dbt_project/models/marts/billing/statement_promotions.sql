{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **cycle_drafts_config()
    )
}}

{#- The promotions that discounted each invoice of the cycle, with the day each
    ends (exclusive; null when it runs until cancelled): a free trial after
    duration_days, others after duration_months from the assignment. A bundle needs
    no assignment: it runs while the account holds its products. -#}
with applied as (

    select distinct
        lines.invoice_no,
        lines.account_id,
        lines.cycle_date,
        lines.source_ref as promo_code
    from {{ ref('invoice_lines') }} as lines
    inner join {{ ref('int_bill_cycle') }} as bill_cycle
        on lines.cycle_date = bill_cycle.cycle_date
    where lines.line_type = 'discount'

),

assignments as (

    select
        assignments.account_id,
        assignments.promo_code,
        assignments.starts_on,
        case
            when promotions.kind = 'free_trial'
                then {{ shift_date('day', 'promotions.duration_days', 'assignments.starts_on') }}
            when promotions.duration_months is not null
                then {{
                    shift_date('month', 'promotions.duration_months', 'assignments.starts_on')
                }}
        end as ends_on
    from {{ ref('stg_cms__promotion_assignments') }} as assignments
    inner join {{ ref('stg_cms__promotions') }} as promotions
        on assignments.promo_code = promotions.promo_code

)

select
    applied.invoice_no,
    applied.account_id,
    applied.cycle_date,
    applied.promo_code,
    promotions.name,
    min(assignments.starts_on) as starts_on,
    case
        when count(assignments.ends_on) = count(assignments.promo_code)
            then max(assignments.ends_on)
    end as ends_on
from applied
inner join {{ ref('stg_cms__promotions') }} as promotions
    on applied.promo_code = promotions.promo_code
left join assignments
    on applied.account_id = assignments.account_id and applied.promo_code = assignments.promo_code
group by
    applied.invoice_no, applied.account_id, applied.cycle_date, applied.promo_code,
    promotions.name

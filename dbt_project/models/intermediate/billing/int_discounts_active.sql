{#- Which discount applies to which charge line on which day, in stack order:
    1. line promotions by ascending priority (free_trial, percent_off, amount_off,
       fee_waiver), 2. bundles, 3. the contract discount. A percent discount takes
    `discount_pct` of what is left; an amount discount takes its per-period value
    spread evenly over the period's days. -#}
with line_days as (

    select * from {{ ref('int_charge_line_days') }}

),

promotions as (

    select * from {{ ref('stg_cms__promotions') }}

),

{# A promotion applies to a product when `applies_to` names it or its type. #}
line_promotions as (

    select
        line_days.line_key,
        line_days.service_date,
        promotions.promo_code as discount_key,
        1 as stack_group,
        promotions.priority,
        case when promotions.kind = 'amount_off' then 'amount' else 'percent' end as method,
        case
            when promotions.kind in ('free_trial', 'fee_waiver') then cast(100 as decimal(18, 2))
            when promotions.kind = 'percent_off' then promotions.value
        end as discount_pct,
        case when promotions.kind = 'amount_off' then promotions.value end as period_amount,
        promotions.name as name_ko,
        promotions.name as name_en
    from {{ ref('stg_cms__promotion_assignments') }} as assignments
    inner join promotions
        on assignments.promo_code = promotions.promo_code
    inner join line_days
        on
            assignments.account_id = line_days.account_id
            and (
                assignments.subscription_id is null
                or assignments.subscription_id = line_days.subscription_id
            )
    where
        promotions.kind in ('free_trial', 'percent_off', 'amount_off', 'fee_waiver')
        {# honoured only when assigned while its campaign ran #}
        and (promotions.campaign_from is null or assignments.starts_on >= promotions.campaign_from)
        and (promotions.campaign_to is null or assignments.starts_on <= promotions.campaign_to)
        and (
            promotions.applies_to is null
            or ';' || promotions.applies_to || ';' like '%;' || line_days.product_code || ';%'
            or ';' || promotions.applies_to || ';' like '%;type:' || line_days.product_type || ';%'
        )
        and line_days.service_date >= assignments.starts_on
        and (
            case
                when promotions.kind = 'free_trial'
                    then line_days.service_date < {{
                        shift_date('day', 'promotions.duration_days', 'assignments.starts_on')
                    }}
                when promotions.duration_months is not null
                    then line_days.service_date < {{
                        shift_date('month', 'promotions.duration_months', 'assignments.starts_on')
                    }}
                else true
            end
        )
        {# a fee waiver needs one of the `requires` products held that day #}
        and (
            promotions.kind <> 'fee_waiver'
            or (
                line_days.product_type in ('one_time_fee', 'equipment')
                and (
                    promotions.requires is null
                    or exists (
                        select 1
                        from {{ ref('int_subscription_service_days') }} as held
                        where
                            held.account_id = line_days.account_id
                            and {{ in_segment('line_days.service_date', 'held') }}
                            and ';'
                            || promotions.requires
                            || ';' like '%;'
                            || held.product_code
                            || ';%'
                    )
                )
            )
        )

),

required_products as (

    select
        promotions.promo_code,
        required.product_code,
        count(*) over (partition by promotions.promo_code) as required_count
    from promotions
    inner join (
        select distinct product_code from {{ ref('stg_cms__products') }}
    ) as required
        on ';' || promotions.requires || ';' like '%;' || required.product_code || ';%'
    where promotions.kind = 'bundle'

),

{# A bundle applies on the days the account holds every required product (a line
    billed once, on a day inside a segment, takes the segment's). #}
bundle_days as (

    select
        held.account_id,
        held.service_date,
        held.days,
        required_products.promo_code
    from {{ ref('int_subscription_service_days') }} as held
    inner join required_products
        on held.product_code = required_products.product_code
    group by
        held.account_id, held.service_date, held.days, required_products.promo_code,
        required_products.required_count
    having count(distinct held.product_code) = required_products.required_count

),

bundles as (

    select
        line_days.line_key,
        line_days.service_date,
        promotions.promo_code as discount_key,
        2 as stack_group,
        promotions.priority,
        'amount' as method,
        cast(null as decimal(18, 2)) as discount_pct,
        promotions.value as period_amount,
        promotions.name as name_ko,
        promotions.name as name_en
    from bundle_days
    inner join promotions
        on bundle_days.promo_code = promotions.promo_code
    inner join line_days
        on
            bundle_days.account_id = line_days.account_id
            and {{ in_segment('line_days.service_date', 'bundle_days') }}
            {# the bundle discounts the line of `applies_to`, else its first required product #}
            and line_days.product_code = coalesce(
                promotions.applies_to, {{ dbt.split_part('promotions.requires', "';'", 1) }}
            )
    where
        (promotions.campaign_from is null or bundle_days.service_date >= promotions.campaign_from)
        and (promotions.campaign_to is null or bundle_days.service_date <= promotions.campaign_to)

),

contracts as (

    select
        line_days.line_key,
        line_days.service_date,
        'CONTRACT' as discount_key,
        3 as stack_group,
        0 as priority,
        'percent' as method,
        subscriptions.contract_discount_pct as discount_pct,
        cast(null as decimal(18, 2)) as period_amount,
        '약정 할인' as name_ko,
        'Contract discount' as name_en
    from line_days
    inner join {{ ref('stg_cms__subscriptions') }} as subscriptions
        on line_days.subscription_id = subscriptions.subscription_id
    where
        subscriptions.contract_months > 0
        and subscriptions.contract_discount_pct > 0
        and line_days.service_date >= subscriptions.contract_start_date
        and line_days.service_date < {{ shift_date(
            'month', 'subscriptions.contract_months', 'subscriptions.contract_start_date'
        ) }}

),

discounts as (

    select * from line_promotions
    union all
    select * from bundles
    union all
    select * from contracts

)

select
    *,
    row_number() over (
        partition by line_key, service_date
        order by stack_group, priority, discount_key
    ) as stack_position
from discounts

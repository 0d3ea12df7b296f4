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

{# `requires` is a `;`-separated list of entries (at most 20: a test on the staging
    model says so), each a product code or `type:<product_type>`; the account must
    hold every entry on the same day, a type entry by any product of that type. #}
required_entries as (

    select distinct
        promotions.promo_code,
        trim(split_part(promotions.requires, ';', parts.generated_number)) as entry
    from promotions
    cross join ({{ dbt.generate_series(20) }}) as parts
    where
        promotions.requires is not null
        and parts.generated_number
        <= {{ dbt.length('promotions.requires') }}
        - {{ dbt.length(dbt.replace('promotions.requires', "';'", "''")) }} + 1

),

required as (

    select
        promo_code,
        entry,
        count(*) over (partition by promo_code) as required_count
    from required_entries
    where entry <> ''

),

product_types as (

    select distinct
        product_code,
        product_type
    from {{ ref('stg_cms__products') }}

),

{# The segments on which an account holds every entry of a promotion's `requires`. #}
requirements_met as (

    select
        held.account_id,
        held.service_date,
        held.days,
        required.promo_code
    from {{ ref('int_subscription_service_days') }} as held
    inner join product_types
        on held.product_code = product_types.product_code
    inner join required
        on required.entry in (held.product_code, 'type:' || product_types.product_type)
    group by
        held.account_id, held.service_date, held.days, required.promo_code,
        required.required_count
    having count(distinct required.entry) = required.required_count

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
        {# a fee waiver needs every `requires` entry held on the line's day #}
        and (
            promotions.kind <> 'fee_waiver'
            or (
                line_days.product_type in ('one_time_fee', 'equipment')
                and (
                    promotions.requires is null
                    or exists (
                        select 1
                        from requirements_met as met
                        where
                            met.promo_code = promotions.promo_code
                            and met.account_id = line_days.account_id
                            and {{ in_segment('line_days.service_date', 'met') }}
                    )
                )
            )
        )

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
    from requirements_met as met
    inner join promotions
        on met.promo_code = promotions.promo_code
    inner join line_days
        on
            met.account_id = line_days.account_id
            and {{ in_segment('line_days.service_date', 'met') }}
            {# A bundle applies on the segments the account holds every `requires`
               entry (a line billed once, on a day inside a segment, takes the
               segment's). It discounts the line `applies_to` names (a product or
               a type), else the one its first entry names. #}
            and (
                ';' || coalesce(
                    promotions.applies_to,
                    {{ dbt.split_part('promotions.requires', "';'", 1) }}
                ) || ';' like '%;' || line_days.product_code || ';%'
                or ';' || coalesce(
                    promotions.applies_to,
                    {{ dbt.split_part('promotions.requires', "';'", 1) }}
                ) || ';' like '%;type:' || line_days.product_type || ';%'
            )
    where
        promotions.kind = 'bundle'
        and (promotions.campaign_from is null or met.service_date >= promotions.campaign_from)
        and (promotions.campaign_to is null or met.service_date <= promotions.campaign_to)

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

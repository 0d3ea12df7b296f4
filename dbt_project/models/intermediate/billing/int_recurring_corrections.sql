{#- Backdated CMS changes found by re-rating the closed periods within the lookback
    (lookback_cycles): a monthly subscription line billed days that the
    subscription's current dates no longer cover (a backdated cancellation, a start
    moved later), or a rental line days its device is no longer held (a return
    entered late or moved earlier), is credited pro rata by day on the net it billed
    (the charge with its discounts and credits): round_half_up(net x days no longer
    covered / days billed). A change reversed later is billed back: each run
    corrects only the difference between that target and the corrections already
    issued. The line names the original invoice and, from the CMS history, what
    changed. A rental line's source_ref is its device's serial, a subscription
    line's the subscription's id: each is matched within its account. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

closed_lines as (

    select lines.*
    from {{ ref('int_ledger_invoice_lines_before_cycle') }} as lines
    cross join bill_cycle
    where
        lines.cycle_date
        >= {{ lookback_start('bill_cycle.cycle_date') }}

),

charges as (

    select
        charges.account_id,
        charges.invoice_no,
        charges.line_no,
        charges.product_code,
        charges.description_ko,
        charges.description_en,
        charges.tax_category,
        charges.service_from,
        charges.service_to,
        charges.source_ref as covered_ref,
        sum(coalesce(children.amount, 0)) + charges.amount as net_amount
    from closed_lines as charges
    inner join {{ ref('stg_cms__products') }} as products
        on
            charges.product_code = products.product_code
            and charges.service_from >= products.valid_from
            and (products.valid_to is null or charges.service_from < products.valid_to)
    left join closed_lines as children
        on
            charges.invoice_no = children.invoice_no
            and charges.line_no = children.discounts_line_no
    where charges.line_type = 'recurring' and products.charge_type = 'monthly'
    group by
        charges.account_id, charges.invoice_no, charges.line_no, charges.product_code,
        charges.description_ko, charges.description_en, charges.tax_category,
        charges.service_from, charges.service_to, charges.source_ref, charges.amount

),

coverage as (

    {#- what each kind of line bills, as the CMS shows it now: from, to (exclusive) #}
    select
        'subscription' as covers,
        subscription_id as covered_ref,
        account_id,
        start_date,
        end_date
    from {{ ref('stg_cms__subscriptions') }}
    union all
    select
        'device' as covers,
        device_serial as covered_ref,
        account_id,
        rented_from as start_date,
        returned_at as end_date
    from {{ ref('stg_cms__devices') }}

),

covered as (

    select
        charges.*,
        coverage.covers,
        coverage.start_date,
        coverage.end_date,
        {{ days_between('charges.service_from', 'charges.service_to') }} as billed_days,
        greatest(
            {{ days_between(
                'greatest(charges.service_from, coverage.start_date)',
                'least(charges.service_to, coalesce(coverage.end_date, charges.service_to))'
            ) }},
            0
        ) as covered_days
    from charges
    inner join coverage
        on
            charges.covered_ref = coverage.covered_ref
            and charges.account_id = coverage.account_id

),

targets as (

    select
        covered.*,
        case
            when covered.net_amount >= 0
                then -{{ div_round_half_up(
                    to_minor('covered.net_amount', 'billed.minor_scale')
                    ~ ' * (covered.billed_days - covered.covered_days)',
                    'covered.billed_days') }}
            else {{ div_round_half_up(
                to_minor('-covered.net_amount', 'billed.minor_scale')
                ~ ' * (covered.billed_days - covered.covered_days)',
                'covered.billed_days') }}
        end as target_minor,
        billed.minor_scale
    from covered
    inner join {{ ref('int_accounts_billed') }} as billed
        on covered.account_id = billed.account_id

),

issued as (

    select
        source_ref,
        sum(amount) as corrected_amount
    from {{ ref('int_ledger_invoice_lines_before_cycle') }}
    where line_type = 'correction' and source_ref like 'RERATE:%'
    group by source_ref

),

versions as (

    select
        'subscription' as covers,
        subscription_id as covered_ref,
        start_date,
        end_date,
        version
    from {{ ref('cms_subscriptions_history') }}
    union all
    select
        'device' as covers,
        device_serial as covered_ref,
        rented_from as start_date,
        returned_at as end_date,
        version
    from {{ ref('cms_devices_history') }}

),

previous_versions as (

    {#- the version before the one the CMS shows now #}
    select
        covers,
        covered_ref,
        end_date as previous_end_date,
        start_date as previous_start_date,
        row_number() over (
            partition by covers, covered_ref order by version desc
        ) as recency
    from versions

),

keyed as (

    select
        targets.*,
        'RERATE:' || targets.invoice_no || ':'
        || cast(targets.line_no as {{ dbt.type_string() }}) as source_ref
    from targets

),

corrections as (

    select
        keyed.*,
        keyed.target_minor
        - coalesce({{ to_minor('issued.corrected_amount', 'keyed.minor_scale') }}, 0)
            as amount_minor,
        coalesce(keyed.end_date, cast('9999-12-31' as date))
        <> coalesce(previous.previous_end_date, cast('9999-12-31' as date)) as end_changed,
        previous.previous_start_date,
        previous.previous_end_date
    from keyed
    left join issued
        on keyed.source_ref = issued.source_ref
    left join previous_versions as previous
        on
            keyed.covers = previous.covers
            and keyed.covered_ref = previous.covered_ref
            and previous.recency = 2

),

described as (

    select
        corrections.*,
        cast(case
            when corrections.end_changed then corrections.previous_end_date
            else corrections.previous_start_date
        end as {{ dbt.type_string() }}) as was_date,
        cast(case
            when corrections.end_changed then corrections.end_date
            else corrections.start_date
        end as {{ dbt.type_string() }}) as now_date
    from corrections

)

select
    account_id,
    'correction' as line_type,
    9 as line_group,
    'R:' || invoice_no || ':' || cast(line_no as {{ dbt.type_string() }}) as line_key,
    product_code,
    '소급 정정: ' || description_ko || ' (' || invoice_no || ', '
    || {{ rerated_date_label('ko') }}
    || coalesce(was_date, '없음') || ' → ' || coalesce(now_date, '없음') || ')' as description_ko,
    'Backdated change: ' || description_en || ' (' || invoice_no || ', '
    || {{ rerated_date_label('en') }}
    || coalesce(was_date, 'none') || ' -> ' || coalesce(now_date, 'none') || ')' as description_en,
    cast(billed_days - covered_days as bigint) as quantity,
    cast(null as decimal(18, 2)) as unit_price,
    amount_minor,
    tax_category,
    service_from,
    service_to,
    source_ref
from described
where amount_minor <> 0

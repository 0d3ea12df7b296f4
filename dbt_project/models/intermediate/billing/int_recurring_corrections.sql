{#- Backdated CMS changes found by re-rating the closed periods within the lookback
    (lookback_cycles): a monthly subscription line billed days that the
    subscription's current dates no longer cover (a backdated cancellation, a start
    moved later) or that a suspension entered after the close now covers, or a rental
    line days its device is no longer held (a return entered late or moved earlier),
    is credited pro rata by day on the net it billed (the charge with its discounts
    and credits): round_half_up(net x days no longer billable / days billed). Days a
    suspension no longer covers (one removed or shortened after the close) are billed
    back the same way. The days a line billed are the ledger's (invoice_line_days);
    for a line closed before they were recorded, its service period less the days
    suspended now. A change reversed later is billed back: each run corrects only
    the difference between that target and the corrections already issued. The line
    names the original invoice and what changed: from the CMS history, a date moved,
    else the days suspended then and now. A rental line's source_ref is its
    device's serial, a subscription line's the subscription's id: each is matched
    within its account. -#}
with closed_lines as (

    select lines.*
    from {{ ref('int_ledger_invoice_lines_before_cycle') }} as lines
    where lines.cycle_date >= {{ cycle_months_before(var('lookback_cycles')) }}

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
        products.product_type,
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
        charges.service_from, charges.service_to, charges.source_ref, products.product_type,
        charges.amount

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

windows as (

    {#- the line's service period, and the part of it the CMS covers now #}
    select
        charges.*,
        coverage.covers,
        coverage.start_date,
        coverage.end_date,
        greatest(charges.service_from, coverage.start_date) as covered_from,
        least(charges.service_to, coalesce(coverage.end_date, charges.service_to))
            as covered_to,
        coverage.covers = 'subscription'
        and coalesce(charges.product_type, '') <> 'equipment' as pauses
    from charges
    inner join coverage
        on
            charges.covered_ref = coverage.covered_ref
            and charges.account_id = coverage.account_id

),

spans as (

    {#- the spans whose suspended days count (equipment accrues through
        suspensions): a subscription line's service period, and its covered part #}
    select
        invoice_no,
        line_no,
        account_id,
        'period' as span,
        service_from as span_from,
        service_to as span_to
    from windows
    where pauses
    union all
    select
        invoice_no,
        line_no,
        account_id,
        'covered' as span,
        covered_from as span_from,
        covered_to as span_to
    from windows
    where pauses and covered_from < covered_to

),

boundaries as (

    select
        account_id,
        from_date as cut
    from {{ ref('stg_cms__suspensions') }}
    union all
    select
        account_id,
        to_date as cut
    from {{ ref('stg_cms__suspensions') }}
    where to_date is not null

),

cuts as (

    {#- each span cut wherever a suspension starts or ends inside it, so that
        overlapping suspensions count a day once #}
    select
        invoice_no,
        line_no,
        account_id,
        span,
        span_to,
        span_from as cut
    from spans
    union
    select
        spans.invoice_no,
        spans.line_no,
        spans.account_id,
        spans.span,
        spans.span_to,
        boundaries.cut
    from spans
    inner join boundaries
        on
            spans.account_id = boundaries.account_id
            and spans.span_from < boundaries.cut
            and spans.span_to > boundaries.cut

),

pieces as (

    select
        invoice_no,
        line_no,
        account_id,
        span,
        cut as piece_from,
        coalesce(
            lead(cut) over (partition by invoice_no, line_no, span order by cut), span_to
        ) as piece_to
    from cuts

),

suspended_pieces as (

    select distinct
        pieces.invoice_no,
        pieces.line_no,
        pieces.span,
        pieces.piece_from,
        pieces.piece_to
    from pieces
    inner join {{ ref('stg_cms__suspensions') }} as suspensions
        on
            pieces.account_id = suspensions.account_id
            and pieces.piece_from >= suspensions.from_date
            and (suspensions.to_date is null or pieces.piece_from < suspensions.to_date)

),

suspended as (

    select
        invoice_no,
        line_no,
        sum(case
            when span = 'period' then {{ days_between('piece_from', 'piece_to') }}
            else 0
        end) as period_days,
        sum(case
            when span = 'covered' then {{ days_between('piece_from', 'piece_to') }}
            else 0
        end) as covered_days
    from suspended_pieces
    group by invoice_no, line_no

),

line_days as (

    {#- each line's service period in days, and the days suspended in it now #}
    select
        windows.*,
        recorded.billed_days as recorded_days,
        {{ days_between('windows.service_from', 'windows.service_to') }} as period_days,
        coalesce(suspended.period_days, 0) as suspended_days,
        greatest({{ days_between('windows.covered_from', 'windows.covered_to') }}, 0)
        - coalesce(suspended.covered_days, 0) as covered_days
    from windows
    left join {{ source('ledger', 'invoice_line_days') }} as recorded
        on windows.invoice_no = recorded.invoice_no and windows.line_no = recorded.line_no
    left join suspended
        on windows.invoice_no = suspended.invoice_no and windows.line_no = suspended.line_no

),

covered as (

    select
        *,
        coalesce(recorded_days, period_days - suspended_days) as billed_days
    from line_days

),

targets as (

    {#- the correction the line should carry by now: minus the net's share of the
        days no longer billable, plus that of the days billable again #}
    select
        covered.*,
        {{ div_round_half_up(
            to_minor('abs(covered.net_amount)', 'billed.minor_scale')
            ~ ' * abs(covered.billed_days - covered.covered_days)',
            'covered.billed_days') }}
        * case
            when (covered.net_amount >= 0) = (covered.billed_days > covered.covered_days)
                then -1
            else 1
        end as target_minor,
        billed.minor_scale
    from covered
    inner join {{ ref('int_accounts_billed') }} as billed
        on covered.account_id = billed.account_id
    where covered.billed_days > 0

),

issued as (

    select
        source_ref,
        sum(amount) as corrected_amount
    from {{ ref('int_ledger_invoice_lines_before_cycle') }}
    where
        line_type = 'correction'
        and source_ref like 'RERATE:%'
        {#- a line is corrected by later bill runs than its own: those of the
            lines re-rated here are issued within the lookback #}
        and cycle_date >= {{ cycle_months_before(var('lookback_cycles')) }}
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
        keyed.pauses
        and keyed.covered_from = keyed.service_from
        and keyed.covered_to = keyed.service_to
        and keyed.recorded_days is not null
        and keyed.recorded_days <> keyed.period_days - keyed.suspended_days as suspension_changed,
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
        end as {{ dbt.type_string() }}) as now_date,
        {#- days suspended in the line's service period, then and now #}
        cast(corrections.period_days - corrections.recorded_days as {{ dbt.type_string() }})
            as was_suspended,
        cast(corrections.suspended_days as {{ dbt.type_string() }}) as now_suspended
    from corrections

),

labelled as (

    select
        described.*,
        case
            when described.suspension_changed
                then '정지 ' || described.was_suspended || '일 → ' || described.now_suspended || '일'
            else
                {{ rerated_date_label('ko') }}
                || coalesce(described.was_date, '없음') || ' → '
                || coalesce(described.now_date, '없음')
        end as change_ko,
        case
            when described.suspension_changed
                then
                    'suspended ' || described.was_suspended || ' -> '
                    || described.now_suspended || ' days'
            else
                {{ rerated_date_label('en') }}
                || coalesce(described.was_date, 'none') || ' -> '
                || coalesce(described.now_date, 'none')
        end as change_en
    from described

)

select
    account_id,
    'correction' as line_type,
    9 as line_group,
    'R:' || invoice_no || ':' || cast(line_no as {{ dbt.type_string() }}) as line_key,
    product_code,
    '소급 정정: ' || description_ko || ' (' || invoice_no || ', ' || change_ko || ')'
        as description_ko,
    'Backdated change: ' || description_en || ' (' || invoice_no || ', ' || change_en || ')'
        as description_en,
    cast(abs(billed_days - covered_days) as bigint) as quantity,
    cast(null as decimal(18, 2)) as unit_price,
    amount_minor,
    tax_category,
    service_from,
    service_to,
    source_ref
from labelled
where amount_minor <> 0

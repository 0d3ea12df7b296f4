{#- VOD and PPV purchases of billed accounts dated before the period's end and not
    yet on a closed invoice: this period's, and late ones from earlier periods.
    Events for accounts billing does not know wait in int_usage_suspense. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

events as (

    select
        'vod' as usage_kind,
        event_id,
        account_id,
        title_id as item_code,
        coalesce(title_name, title_id) as item_name,
        purchase_type,
        price_tier,
        list_price,
        event_ts,
        event_date
    from {{ ref('stg_headend__vod_purchases') }}
    union all
    select
        'ppv' as usage_kind,
        event_id,
        account_id,
        event_code as item_code,
        coalesce(event_name, event_code) as item_name,
        'purchase' as purchase_type,
        'premium' as price_tier,
        list_price,
        event_ts,
        event_date
    from {{ ref('stg_headend__ppv_purchases') }}

),

billed_before as (

    select distinct source_ref as event_id
    from {{ ref('int_ledger_invoice_lines_before_cycle') }}
    where line_type in ('usage', 'correction')

)

select
    events.*,
    {{ usage_period_start('events.event_date', 'bill_cycle.bill_cycle_day') }}
        as usage_period_start,
    events.event_date < bill_cycle.period_start as is_late
from events
inner join {{ ref('int_accounts_billed') }} as billed
    on events.account_id = billed.account_id
cross join bill_cycle
where
    events.event_date < bill_cycle.period_end
    and events.event_id not in (select billed_before.event_id from billed_before)

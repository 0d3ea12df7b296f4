{#- Usage events for accounts billing does not know (yet): held here, counted by
    the gates, and billed by the first bill run after the account appears. Data
    records are those of the bill run's window: the ones it counts of unknown
    accounts (int_data_usage_records_unknown) and those an earlier close held
    (ledger.usage_suspense), whose closed periods are not read again. Held records
    stay here once they are older than the window of their account's first bill, or
    of this one: no bill run can rate them any more. -#}
with events as (

    select
        'vod_purchases' as entity,
        event_id,
        account_id,
        event_date,
        list_price as amount
    from {{ ref('stg_headend__vod_purchases') }}
    union all
    select
        'ppv_purchases' as entity,
        event_id,
        account_id,
        event_date,
        list_price as amount
    from {{ ref('stg_headend__ppv_purchases') }}
    union all
    {# unknown accounts' records picked out first; one a close held that this run
       counts again (another cycle day's close held it) is listed once #}
    select distinct
        'data_usage' as entity,
        data_usage.event_id,
        data_usage.account_id,
        data_usage.event_date,
        cast(null as decimal(18, 2)) as amount
    from (
        select
            record_id as event_id,
            account_id,
            usage_date as event_date
        from {{ ref('int_data_usage_records_unknown') }}
        union all
        select
            record_id as event_id,
            account_id,
            usage_date as event_date
        from {{ source('ledger', 'usage_suspense') }}
        where
            usage_date >= {{ usage_window_start() }}
            and usage_date < {{ bill_cycle_date() }}
    ) as data_usage
    where data_usage.account_id not in (
        select cms_accounts.account_id from {{ ref('stg_cms__accounts') }} as cms_accounts
    )

),

not_billed as (

    select events.*
    from events
    left join {{ ref('stg_cms__accounts') }} as accounts
        on events.account_id = accounts.account_id
    where accounts.account_id is null

),

held as (

    select * from {{ source('ledger', 'usage_suspense') }}

),

first_billed as (

    select
        account_id,
        min(cycle_date) as cycle_date
    from {{ ref('int_ledger_invoices_before_cycle') }}
    group by account_id

),

aged_out as (

    select
        'data_usage' as entity,
        held.record_id as event_id,
        held.account_id,
        held.usage_date as event_date,
        cast(null as decimal(18, 2)) as amount,
        held.cycle_date as held_since
    from held
    left join first_billed
        on held.account_id = first_billed.account_id
    where
        held.usage_date < {{ shift_date(
            'month',
            -1 - var('lookback_cycles'),
            'coalesce(first_billed.cycle_date, ' ~ bill_cycle_date() ~ ')'
        ) }}

)

select
    not_billed.*,
    held.cycle_date as held_since
from not_billed
left join held
    on
        not_billed.entity = 'data_usage'
        and not_billed.event_id = held.record_id
        and not_billed.event_date = held.usage_date
union all
select * from aged_out

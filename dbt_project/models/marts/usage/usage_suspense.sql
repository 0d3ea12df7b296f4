{#- Usage events for accounts billing does not know (yet): held here, counted by
    the gates, and billed by the first bill run after the account appears. Data
    records are those the bill run can still rate (as in int_data_usage_records). -#}
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
    select
        'data_usage' as entity,
        record_id as event_id,
        account_id,
        usage_date as event_date,
        cast(null as decimal(18, 2)) as amount
    {# the records of int_data_usage_records, unknown accounts' picked out first #}
    from (
        {{ data_usage_records(
            where=data_usage_window() ~ ' and account_id not in (select account_id from '
            ~ ref('stg_cms__accounts') ~ ')'
        ) }}
    ) as unknown_accounts_usage

)

select events.*
from events
left join {{ ref('stg_cms__accounts') }} as accounts
    on events.account_id = accounts.account_id
where accounts.account_id is null

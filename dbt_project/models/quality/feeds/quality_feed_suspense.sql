{#- The feed gate's rows per event entity (suite feed_suspense): the rows the cycle
    takes in, and how many name no account of the current CMS snapshot (deposits: no
    virtual account of it). The usage share is of all usage entities together, shown
    on each usage entity that holds some of it, and 0 under `suspense_min_events`
    events; only usage blocks. -#}
{%- set usage = ['headend.data_usage', 'headend.ppv_purchases', 'headend.vod_purchases'] %}
{%- set deposits = 'payments.va_deposits' %}
{%- set events, names = [], [] %}
{%- for e in raw_entities() if e.feed != 'cms' and e.entity not in ('outages', 'entitlements') %}
    {%- do events.append(e) %}
    {%- do names.append(e.feed ~ '.' ~ e.entity) %}
{%- endfor %}

with accounts as (
    {{ current_snapshot('cms', 'accounts') }}
),

events as (
    {%- for e in events %}
        select
            {{ sql_string(e.feed ~ '.' ~ e.entity) }} as entity,
            {{ sql_string(e.feed) }} as feed,
            _delivery_id as delivery_id,
            {{ 'virtual_account_no' if e.feed ~ '.' ~ e.entity == deposits else 'account_id' }}
                as account_key
        from {{ e.relation }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

in_suspense as (
    select
        events.entity,
        count(*) as n
    from events
    inner join ({{ deliveries_taken_in() }}) as taken_in
        on events.feed = taken_in.feed and events.delivery_id = taken_in.delivery_id
    where
        events.account_key is null
        or case
            when events.entity = {{ sql_string(deposits) }}
                then events.account_key not in (
                    select accounts.virtual_account_no from accounts
                    where accounts.virtual_account_no is not null
                )
            else events.account_key not in (
                select accounts.account_id from accounts
                where accounts.account_id is not null
            )
        end
    group by events.entity
),

counts as (
    select
        sizes.entity,
        sizes.entity in ({{ sql_list(usage) }}) as is_usage,
        sizes.rows_loaded as rows_taken_in,
        coalesce(in_suspense.n, 0) as rows_in_suspense
    from {{ ref('quality_feed_quarantine') }} as sizes
    left join in_suspense on sizes.entity = in_suspense.entity
    where sizes.entity in ({{ sql_list(names) }})
),

usage as (
    select
        sum(rows_taken_in) as events,
        sum(rows_in_suspense) as in_suspense
    from counts
    where is_usage
)

select
    counts.entity,
    counts.rows_taken_in,
    counts.rows_in_suspense,
    case
        when
            not counts.is_usage
            or counts.rows_in_suspense = 0
            or usage.events < {{ var('suspense_min_events') }}
            then 0.0
        else usage.in_suspense / usage.events
    end as usage_suspense_share
from counts
cross join usage

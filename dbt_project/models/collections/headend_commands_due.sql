{#- What the headend should authorise, as commands, as of the day: ACTIVATE and
    DEACTIVATE each service product as subscriptions start and end; SUSPEND every
    product ('*') when dunning reaches the suspend stage, DEACTIVATE '*' at
    termination, RECONNECT '*' once a suspended account owes nothing overdue. The
    command id is the action, account, product and effective date, so a command is
    the same however often it is computed; the daily run sends (records) only those
    never sent. -#}
with as_of as (

    select cast('{{ var("as_of") }}' as date) as as_of_date

),

service_products as (

    select distinct product_code
    from {{ ref('stg_cms__products') }}
    where product_type in {{ service_product_types() }}

),

subscriptions as (

    select subscriptions.*
    from {{ ref('stg_cms__subscriptions') }} as subscriptions
    inner join service_products
        on subscriptions.product_code = service_products.product_code

),

commands as (

    select
        subscriptions.account_id,
        subscriptions.product_code,
        'ACTIVATE' as action,
        subscriptions.start_date as effective_at,
        'subscription ' || subscriptions.subscription_id || ' starts' as reason
    from subscriptions
    cross join as_of
    where
        subscriptions.start_date <= as_of.as_of_date
        and (subscriptions.end_date is null or subscriptions.end_date > subscriptions.start_date)
    union all
    select
        subscriptions.account_id,
        subscriptions.product_code,
        'DEACTIVATE' as action,
        subscriptions.end_date as effective_at,
        'subscription ' || subscriptions.subscription_id || ' ends' as reason
    from subscriptions
    cross join as_of
    where subscriptions.end_date <= as_of.as_of_date
    union all
    select
        actions.account_id,
        '*' as product_code,
        case when actions.stage = 'suspend' then 'SUSPEND' else 'DEACTIVATE' end as action,
        actions.stage_date as effective_at,
        case
            when actions.stage = 'suspend' then 'unpaid since '
            else 'terminated, unpaid since '
        end
        || cast(actions.oldest_due_date as {{ dbt.type_string() }}) as reason
    from {{ ref('dunning_actions_due') }} as actions
    where actions.stage in ('suspend', 'terminate')

),

overdue as (

    select
        items.account_id,
        sum(items.open_amount) as overdue_amount
    from {{ ref('int_open_items') }} as items
    cross join as_of
    where items.due_date < as_of.as_of_date
    group by items.account_id

),

reconnects as (

    select
        last_sent.account_id,
        '*' as product_code,
        'RECONNECT' as action,
        as_of.as_of_date as effective_at,
        'overdue paid in full; suspended since '
        || cast(last_sent.effective_at as {{ dbt.type_string() }}) as reason,
        last_sent.effective_at as suspended_at
    from {{ ref('int_last_account_command') }} as last_sent
    cross join as_of
    left join overdue
        on last_sent.account_id = overdue.account_id
    where
        last_sent.action = 'SUSPEND'
        and coalesce(overdue.overdue_amount, 0) = 0

)

select
    action || ':' || account_id || ':' || product_code || ':'
    || cast(effective_at as {{ dbt.type_string() }}) as command_id,
    account_id,
    product_code,
    action,
    effective_at,
    reason
from commands
union all
select
    'RECONNECT:' || account_id || ':*:'
    || cast(suspended_at as {{ dbt.type_string() }}) as command_id,
    account_id,
    product_code,
    action,
    effective_at,
    reason
from reconnects

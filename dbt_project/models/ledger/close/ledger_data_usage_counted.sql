{#- What the cycle counted of data usage, per delivery, account and service period
    (int_data_usage_by_delivery), recorded once: later bill runs of the same cycle
    day add their late records to these totals instead of reading a closed
    period's records again. -#}
with due as (

    select
        delivery_id,
        account_id,
        usage_period_start,
        total_bytes,
        records,
        {{ bill_cycle_date() }} as cycle_date
    from {{ ref('int_data_usage_by_delivery') }}

)

select
    due.cycle_date,
    due.delivery_id,
    due.account_id,
    due.usage_period_start,
    cast(due.total_bytes as bigint) as total_bytes,
    cast(due.records as bigint) as records
from due
{{ closing_once(source('ledger', 'data_usage_counted')) }}

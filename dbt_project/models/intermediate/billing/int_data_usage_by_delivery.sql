{#- What this bill run counts of data usage, as its close records it
    (ledger.data_usage_counted): bytes (down + up) and records per delivery, account
    and service period, of every account, known to billing or not. -#}
{%- set cycle_day = bill_cycle().day %}

select
    delivery_id,
    account_id,
    {{ usage_period_start('usage_date', cycle_day) }} as usage_period_start,
    sum(bytes_down + bytes_up) as total_bytes,
    count(*) as records
from {{ ref('int_data_usage_records') }}
group by
    delivery_id,
    account_id,
    {{ usage_period_start('usage_date', cycle_day) }}

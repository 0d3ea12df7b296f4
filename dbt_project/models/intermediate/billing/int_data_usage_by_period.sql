{#- Bytes (down + up) per billed account and service period: this period and the
    lookback_cycles before it, which late records may change (they are rated again
    and the difference billed). What earlier closes of the same cycle day counted
    (ledger.data_usage_counted) plus what this run counts (int_data_usage_by_delivery):
    a closed period's records are not read again. -#}
with counted as (

    select
        account_id,
        usage_period_start,
        total_bytes,
        records
    from {{ source('ledger', 'data_usage_counted') }}
    where
        cycle_date < {{ bill_cycle_date() }}
        and extract(day from cycle_date) = extract(day from {{ bill_cycle_date() }})
        and usage_period_start >= {{ usage_window_start() }}
    union all
    select
        account_id,
        usage_period_start,
        total_bytes,
        records
    from {{ ref('int_data_usage_by_delivery') }}

)

select
    counted.account_id,
    counted.usage_period_start,
    sum(counted.total_bytes) as total_bytes,
    sum(counted.records) as records
from counted
inner join {{ ref('int_accounts_billed') }} as billed
    on counted.account_id = billed.account_id
group by counted.account_id, counted.usage_period_start

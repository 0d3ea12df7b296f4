{#- Bytes (down + up) per billed account and service period: this period and the
    lookback_cycles before it, which late records may change (they are rated again
    and the difference billed). What earlier closes of the same cycle day counted
    (ledger.data_usage_counted) plus what this run counts (int_data_usage_by_delivery):
    a closed period's records are not read again. -#}
with counted as (

    select
        before.account_id,
        before.usage_period_start,
        before.total_bytes,
        before.records
    from ({{ data_usage_counted_before() }}) as before
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

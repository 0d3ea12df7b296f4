{#- Bytes (down + up) per billed account and service period: this period and the
    lookback_cycles before it, which late records may change (they are rated again
    and the difference billed): the records of int_data_usage_records. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

records as (

    select
        usage.account_id,
        usage.record_id,
        usage.bytes_down + usage.bytes_up as total_bytes,
        {{ usage_period_start('usage.usage_date', 'bill_cycle.bill_cycle_day') }}
            as usage_period_start,
        usage.extracted_at
    from {{ ref('int_data_usage_records') }} as usage
    inner join {{ ref('int_accounts_billed') }} as billed
        on usage.account_id = billed.account_id
    cross join bill_cycle

)

select
    account_id,
    usage_period_start,
    sum(total_bytes) as total_bytes,
    count(*) as records
from records
group by account_id, usage_period_start

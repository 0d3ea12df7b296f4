{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **cycle_drafts_config()
    )
}}

{#- The write-offs the cycle's invoices show (recorded by the daily collections);
    the close checks that none was recorded since. -#}
select
    write_offs.account_id,
    bill_cycle.cycle_date,
    write_offs.written_off_on,
    write_offs.oldest_invoice_no,
    cast(write_offs.amount as decimal(18, 2)) as amount,
    billed.currency
from {{ ref('int_write_offs') }} as write_offs
inner join {{ ref('int_accounts_billed') }} as billed
    on write_offs.account_id = billed.account_id
cross join {{ ref('int_bill_cycle') }} as bill_cycle

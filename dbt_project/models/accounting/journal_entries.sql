{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        full_refresh=false,
    )
}}

{#- Double-entry journal lines of every closed event (export `journal_entries`):
    GL accounts from the product's revenue account or the GL mapping version in
    effect on the posting date; ids deterministic so that an ERP rejects a journal
    imported twice. An event posts on its own date (event_date) unless an earlier
    bill run closed that fiscal period: a bill run hands the ERP every period
    before its own issue month, so a later close posts an event dated before the
    month of the latest earlier close on that month's first day. Each close's
    journal is appended once, after it: what the ERP was handed for a closed period
    stays as it was, and a bill run reads only its own close's postings. -#}
with postings as (

    select * from {{ ref('int_journal_postings') }}
    {{ closes_not_recorded('cycle_date', this) }}

),

open_periods as (

    select
        closes.cycle_date,
        cast({{ dbt.date_trunc('month', 'max(earlier.cycle_date)') }} as date) as open_from
    from (select distinct cycle_date from postings) as closes
    left join {{ source('ledger', 'closed_cycles') }} as earlier
        on closes.cycle_date > earlier.cycle_date
    group by closes.cycle_date

),

dated as (

    select
        postings.*,
        postings.posting_date as event_date,
        case
            when postings.posting_date < open_periods.open_from then open_periods.open_from
            else postings.posting_date
        end as booked_on
    from postings
    inner join open_periods
        on postings.cycle_date = open_periods.cycle_date

)

select
    postings.journal_id,
    cast(row_number() over (
        partition by postings.journal_id
        order by postings.event_line_no, postings.role
    ) as integer) as line_no,
    postings.booked_on as posting_date,
    postings.event_date,
    {{ fiscal_period('postings.booked_on') }} as fiscal_period,
    coalesce(
        case when postings.role = 'product_revenue' then postings.product_gl_account end,
        mapping.gl_account
    ) as gl_account,
    cast(case when postings.amount > 0 then postings.amount else 0 end as decimal(18, 2))
        as debit,
    cast(case when postings.amount < 0 then -postings.amount else 0 end as decimal(18, 2))
        as credit,
    postings.currency,
    postings.source_type,
    postings.source_id,
    postings.account_id,
    postings.memo,
    postings.cycle_date,
    postings.role,
    postings.product_code
from dated as postings
left join {{ ref('gl_accounts') }} as mapping
    on
        mapping.role = case
            when postings.role = 'product_revenue' then 'revenue_other' else postings.role
        end
        and postings.booked_on >= mapping.valid_from
        and (mapping.valid_to is null or postings.booked_on < mapping.valid_to)
where postings.amount <> 0

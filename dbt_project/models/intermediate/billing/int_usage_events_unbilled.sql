{#- VOD and PPV purchases of billed accounts dated before the period's end and not
    yet on a closed invoice: this period's, and late ones from earlier periods. A
    VOD and a PPV purchase with the same id are different events (a line names its
    kind as its product code). Events for accounts billing does not know wait in
    usage_suspense. -#}
with bill_cycle as (

    select * from {{ ref('int_bill_cycle') }}

),

events as (

    {{ usage_purchases() }}

),

billed_before as (

    select distinct
        product_code,
        source_ref as event_id
    from {{ ref('int_ledger_invoice_lines_before_cycle') }}
    where line_type in ('usage', 'correction') and product_code in ('VOD', 'PPV')

)

select
    events.*,
    {{ usage_period_start('events.event_date', 'bill_cycle.bill_cycle_day') }}
        as usage_period_start,
    events.event_date < bill_cycle.period_start as is_late
from events
inner join {{ ref('int_accounts_billed') }} as billed
    on events.account_id = billed.account_id
cross join bill_cycle
where
    events.event_date < bill_cycle.period_end
    and not exists (
        select 1
        from billed_before
        where
            billed_before.product_code = upper(events.usage_kind)
            and billed_before.event_id = events.event_id
    )

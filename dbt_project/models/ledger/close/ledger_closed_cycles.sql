{#- The close, last: the cycle is closed once every other close model has recorded
    it. Until then the cycle is open, and the next bill run finishes its close
    without numbering anything again; from then on, the close records nothing more
    for it. A cycle that issued no invoice is not closed (run it again when its
    accounts are in). -#}
-- depends_on: {{ ref('ledger_closed_deliveries') }}
-- depends_on: {{ ref('ledger_gate_overrides') }}
-- depends_on: {{ ref('quality_ledger_documents') }}
with due as (

    select
        cycle_date,
        count(*) as invoices,
        min(invoice_no) as first_invoice_no,
        max(invoice_no) as last_invoice_no,
        {{ sql_string(var('run_id', '')) }} as run_id,
        current_timestamp as closed_at
    from {{ ref('ledger_invoices') }}
    where cycle_date = {{ bill_cycle_date() }}
    group by cycle_date

)

select
    due.cycle_date,
    due.invoices,
    due.first_invoice_no,
    due.last_invoice_no,
    due.run_id,
    due.closed_at
from due
{{ closing_once(source('ledger', 'closed_cycles')) }}

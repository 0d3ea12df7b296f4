{#- The deliveries the cycle took in, each recorded once: their quarantined rows are
    the cycle's, and the next cycle takes in only later ones. Recorded after every
    table of the invoices, so that a close finished by a later run bills what the
    stopped one billed. -#}
-- depends_on: {{ ref('ledger_invoices') }}
-- depends_on: {{ ref('ledger_invoice_lines') }}
-- depends_on: {{ ref('ledger_invoice_line_days') }}
-- depends_on: {{ ref('ledger_usage_suspense') }}
-- depends_on: {{ ref('ledger_data_usage_counted') }}
-- depends_on: {{ ref('ledger_invoice_payments') }}
-- depends_on: {{ ref('ledger_invoice_accounts') }}
-- depends_on: {{ ref('ledger_statement_summaries') }}
-- depends_on: {{ ref('ledger_statement_promotions') }}
-- depends_on: {{ ref('ledger_credit_notes') }}
-- depends_on: {{ ref('ledger_suspense_payments') }}
-- depends_on: {{ ref('ledger_opening_balances') }}
with due as (

    select
        feed,
        delivery_id,
        {{ bill_cycle_date() }} as cycle_date
    from {{ source('ingest', 'deliveries') }}

)

select
    due.feed,
    due.delivery_id,
    due.cycle_date
from due
{{ closing_once(source('ledger', 'closed_deliveries'), ['feed', 'delivery_id']) }}

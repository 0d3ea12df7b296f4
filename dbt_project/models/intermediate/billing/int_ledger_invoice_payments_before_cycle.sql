{#- Closed invoice payments of earlier cycles only (a view: its readers prune the ledger by
    the cycle). -#}
{{ recorded_before_cycle('invoice_payments') }}

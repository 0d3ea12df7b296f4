{#- The payment retries the day's collections run sends, recorded once, dated the
    day. -#}
select
    due.retry_id,
    due.account_id,
    due.invoice_no,
    due.amount,
    due.method,
    due.retry_on,
    due.attempt,
    cast('{{ var("as_of") }}' as date) as sent_on
from {{ ref('payment_retries_due') }} as due
{{ not_recorded(['retry_id']) }}

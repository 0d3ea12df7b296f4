{#- The usage alerts the day's collections run raises, recorded once per account
    and open period, dated the day. -#}
select
    due.account_id,
    due.period_start,
    due.threshold,
    due.usage_charges,
    due.raised_at,
    cast('{{ var("as_of") }}' as date) as sent_on
from {{ ref('usage_alerts_due') }} as due
{{ not_recorded(['account_id', 'period_start']) }}

{#- The headend commands the day's collections run sends, recorded once (a command
    id names the action, account, product and effective date), dated the day. -#}
select
    due.command_id,
    due.account_id,
    due.product_code,
    due.action,
    due.effective_at,
    due.reason,
    cast('{{ var("as_of") }}' as date) as sent_on
from {{ ref('headend_commands_due') }} as due
{{ not_recorded(['command_id']) }}

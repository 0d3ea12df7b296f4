{#- Each account's latest account-wide ('*') command sent to the headend: SUSPEND,
    RECONNECT or DEACTIVATE, with its effective date. -#}
select
    account_id,
    action,
    effective_at
from (
    select
        account_id,
        action,
        effective_at,
        row_number() over (
            partition by account_id order by effective_at desc, sent_on desc, action asc
        ) as recency
    from {{ source('ledger', 'headend_commands') }}
    where product_code = '*'
) as sent
where recency = 1

{#- One row per account, for the agent who takes a call: who it is (name, phone and
    e-mail masked: enough to confirm identity, not to copy it), what it holds now,
    when its contracts end, its last bill and whether it is in dunning, and how it
    pays (a card by its last four digits only). -#}
with subscriptions as (

    select
        subscriptions.account_id,
        count(*) as products_held,
        max(case
            when subscriptions.contract_months > 0
                then {{ shift_date(
                    'month', 'subscriptions.contract_months', 'subscriptions.contract_start_date'
                ) }}
        end) as contract_ends_on
    from {{ ref('stg_cms__subscriptions') }} as subscriptions
    where subscriptions.end_date is null
    group by subscriptions.account_id

),

devices as (

    select
        account_id,
        count(*) as devices_held
    from {{ ref('stg_cms__devices') }}
    where returned_at is null
    group by account_id

),

last_invoices as (

    select
        account_id,
        invoice_no,
        issue_date,
        due_date,
        amount_due,
        row_number() over (partition by account_id order by issue_date desc, invoice_no desc)
            as recency
    from {{ source('ledger', 'invoices') }}

),

last_dunning as (

    select
        account_id,
        stage,
        as_of,
        row_number() over (
            partition by account_id order by as_of desc, stage_order desc
        ) as recency
    from {{ source('ledger', 'dunning_actions') }}

)

select
    accounts.account_id,
    accounts.customer_type,
    {{ mask_keep('accounts.name', 1, 1) }} as name_masked,
    {{ mask_keep("replace(replace(accounts.phone, '-', ''), ' ', '')", 3, 4) }} as phone_masked,
    case
        when accounts.email like '%@%'
            then
                {{ mask_keep(dbt.split_part('accounts.email', "'@'", 1), 2, 0) }}
                || '@' || {{ dbt.split_part('accounts.email', "'@'", 2) }}
    end as email_masked,
    accounts.region_code,
    accounts.status,
    accounts.bill_cycle_day,
    accounts.currency,
    coalesce(accounts.language, 'ko') as language,
    accounts.payment_method,
    case
        when accounts.payment_method = 'card' and accounts.card_last4 is not null
            then '**** ' || accounts.card_last4
        when accounts.payment_method = 'virtual_account' then accounts.virtual_account_no
    end as payment_detail,
    cast(coalesce(subscriptions.products_held, 0) as integer) as products_held,
    cast(coalesce(devices.devices_held, 0) as integer) as devices_held,
    subscriptions.contract_ends_on,
    last_invoices.invoice_no as last_invoice_no,
    last_invoices.issue_date as last_issue_date,
    last_invoices.due_date as last_due_date,
    last_invoices.amount_due as last_amount_due,
    last_dunning.stage as dunning_stage,
    last_dunning.as_of as dunning_stage_on
from {{ ref('stg_cms__accounts') }} as accounts
left join subscriptions
    on accounts.account_id = subscriptions.account_id
left join devices
    on accounts.account_id = devices.account_id
left join last_invoices
    on accounts.account_id = last_invoices.account_id and last_invoices.recency = 1
left join last_dunning
    on accounts.account_id = last_dunning.account_id and last_dunning.recency = 1

{#- The dunning notices, one per recorded dunning action (every stage of the
    ladder sends a letter), with what the letter shows: the account's name,
    language and currency, how it pays and where to pay, the day service is
    suspended (the ladder's suspend stage: `dunning_suspend_days` after the oldest
    due date), and the deadline to pay by: the day before the ladder's next letter
    (a reminder: the second notice; a second notice: the suspension notice; a
    suspension notice: the suspension). A suspended or terminated account has no
    deadline: paying reconnects it. invoice_renderer/notices.py renders a day's. -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'view'),
    tags=['after_recording'],
) }}
-- depends_on: {{ ref('ledger_dunning_actions') }}

select
    d.account_id,
    d.as_of,
    d.stage,
    d.stage_order,
    d.action,
    d.oldest_due_date,
    d.overdue_amount,
    {{ shift_date('day', var('dunning_suspend_days'), 'd.oldest_due_date') }} as suspend_on,
    case d.stage
        when 'reminder' then {{ shift_date(
            'day', var('dunning_second_notice_days') - 1, 'd.oldest_due_date') }}
        when 'second_notice' then {{ shift_date(
            'day', var('dunning_suspension_notice_days') - 1, 'd.oldest_due_date') }}
        when 'suspension_notice' then {{ shift_date(
            'day', var('dunning_suspend_days') - 1, 'd.oldest_due_date') }}
    end as pay_by,
    a.name,
    a.language,
    a.currency,
    a.payment_method,
    a.virtual_account_no
from {{ source('ledger', 'dunning_actions') }} as d
inner join {{ ref('stg_cms__accounts') }} as a on d.account_id = a.account_id

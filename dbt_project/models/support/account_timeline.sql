{#- Everything that happened to an account, one row per event, for the agent who
    explains a bill: subscriptions started, changed and ended (as the CMS shows them
    and as its history recorded changes), invoices, outage credits, credit notes,
    payments and their allocation to invoices, support adjustments with their
    ticket ids, dunning stages, headend commands, usage alerts and write-offs, in
    Korean and English. Ordered by event_date, then sequence (the order of a day's
    events), then reference. -#}
with accounts as (

    select
        account_id,
        currency
    from {{ ref('stg_cms__accounts') }}

),

products as (

    select distinct
        product_code,
        first_value(name_ko) over (
            partition by product_code order by valid_from desc
        ) as name_ko,
        first_value(name_en) over (
            partition by product_code order by valid_from desc
        ) as name_en
    from {{ ref('stg_cms__products') }}

),

subscriptions as (

    select
        subscriptions.*,
        coalesce(products.name_ko, subscriptions.product_code) as name_ko,
        coalesce(products.name_en, subscriptions.product_code) as name_en
    from {{ ref('stg_cms__subscriptions') }} as subscriptions
    left join products
        on subscriptions.product_code = products.product_code

),

ticketed as (

    {#- the support adjustment behind a line or credit note (source_ref ADJ:<id>) #}
    select
        'ADJ:' || adjustment_id as source_ref,
        ticket_id
    from {{ ref('stg_crm__adjustments') }}

),

events as (

    select
        account_id,
        start_date as event_date,
        1 as sequence,
        'subscription_started' as kind,
        subscription_id as reference,
        cast(null as {{ dbt.type_string() }}) as ticket_id,
        cast(null as decimal(18, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as currency,
        '가입: ' || name_ko as label_ko,
        'Subscribed: ' || name_en as label_en
    from subscriptions
    union all
    select
        account_id,
        end_date as event_date,
        1 as sequence,
        'subscription_ended' as kind,
        subscription_id as reference,
        null as ticket_id,
        null as amount,
        null as currency,
        '해지: ' || name_ko || coalesce(' (' || termination_reason || ')', '') as label_ko,
        'Ended: ' || name_en || coalesce(' (' || termination_reason || ')', '') as label_en
    from subscriptions
    where end_date is not null
    union all
    select
        subscriptions.account_id,
        {{ local_date('history.extracted_at') }} as event_date,
        1 as sequence,
        'subscription_changed' as kind,
        history.subscription_id as reference,
        null as ticket_id,
        null as amount,
        null as currency,
        '가입 정보 변경: ' || subscriptions.name_ko || ' (개시일 '
        || cast(history.start_date as {{ dbt.type_string() }}) || ', 종료일 '
        || coalesce(cast(history.end_date as {{ dbt.type_string() }}), '없음') || ')' as label_ko,
        'Subscription changed: ' || subscriptions.name_en || ' (start '
        || cast(history.start_date as {{ dbt.type_string() }}) || ', end '
        || coalesce(cast(history.end_date as {{ dbt.type_string() }}), 'none') || ')' as label_en
    from {{ ref('cms_subscriptions_history') }} as history
    inner join subscriptions
        on history.subscription_id = subscriptions.subscription_id
    where history.version > 1
    union all
    select
        adjustments.account_id,
        adjustments.approved_date as event_date,
        2 as sequence,
        'adjustment' as kind,
        adjustments.adjustment_id as reference,
        adjustments.ticket_id,
        case when adjustments.kind = 'credit' then -adjustments.amount else adjustments.amount end
            as amount,
        accounts.currency,
        case when adjustments.kind = 'credit' then '고객 지원 감액' else '고객 지원 추가 청구' end
        || ' (' || adjustments.reason_code || ')' as label_ko,
        case when adjustments.kind = 'credit' then 'Support credit' else 'Support debit' end
        || ' (' || adjustments.reason_code || ')' as label_en
    from {{ ref('stg_crm__adjustments') }} as adjustments
    left join accounts
        on adjustments.account_id = accounts.account_id
    union all
    select
        account_id,
        received_on as event_date,
        3 as sequence,
        'payment' as kind,
        payment_ref as reference,
        null as ticket_id,
        -amount as amount,
        null as currency,
        '입금 (' || method || ')' as label_ko,
        'Payment received (' || method || ')' as label_en
    from {{ source('ledger', 'invoice_payments') }}
    union all
    select
        account_id,
        applied_on as event_date,
        4 as sequence,
        'allocation' as kind,
        payment_ref as reference,
        null as ticket_id,
        -amount_applied as amount,
        null as currency,
        '입금 충당: ' || invoice_no as label_ko,
        'Payment applied to ' || invoice_no as label_en
    from {{ ref('payments_applied') }}
    union all
    select
        account_id,
        issue_date as event_date,
        5 as sequence,
        'invoice' as kind,
        invoice_no as reference,
        null as ticket_id,
        current_charges as amount,
        currency,
        '청구서 발행 (납기 ' || cast(due_date as {{ dbt.type_string() }}) || ')' as label_ko,
        'Invoice issued (due ' || cast(due_date as {{ dbt.type_string() }}) || ')' as label_en
    from {{ source('ledger', 'invoices') }}
    union all
    select
        invoices.account_id,
        invoices.issue_date as event_date,
        6 as sequence,
        'outage_credit' as kind,
        lines.invoice_no as reference,
        null as ticket_id,
        lines.amount,
        invoices.currency,
        lines.description_ko as label_ko,
        lines.description_en as label_en
    from {{ source('ledger', 'invoice_lines') }} as lines
    inner join {{ source('ledger', 'invoices') }} as invoices
        on lines.invoice_no = invoices.invoice_no
    where lines.line_type = 'credit' and lines.source_ref = 'OUTAGE'
    union all
    select
        notes.account_id,
        notes.issue_date as event_date,
        7 as sequence,
        'credit_note' as kind,
        notes.credit_note_no as reference,
        max(ticketed.ticket_id) as ticket_id,
        -sum(notes.total) as amount,
        max(notes.currency) as currency,
        '신용전표 발행 (' || notes.invoice_no || ' 정정)' as label_ko,
        'Credit note issued (corrects ' || notes.invoice_no || ')' as label_en
    from {{ source('ledger', 'credit_notes') }} as notes
    left join ticketed
        on notes.source_ref = ticketed.source_ref
    group by notes.account_id, notes.issue_date, notes.credit_note_no, notes.invoice_no
    union all
    select
        account_id,
        sent_on as event_date,
        8 as sequence,
        'usage_alert' as kind,
        cast(period_start as {{ dbt.type_string() }}) as reference,
        null as ticket_id,
        usage_charges as amount,
        null as currency,
        '사용량 알림: 한도 ' || cast(threshold as {{ dbt.type_string() }}) as label_ko,
        'Usage alert: threshold ' || cast(threshold as {{ dbt.type_string() }}) as label_en
    from {{ source('ledger', 'usage_alerts') }}
    union all
    select
        account_id,
        as_of as event_date,
        9 as sequence,
        'dunning' as kind,
        stage as reference,
        null as ticket_id,
        overdue_amount as amount,
        null as currency,
        '연체 안내: ' || stage as label_ko,
        'Dunning: ' || stage as label_en
    from {{ source('ledger', 'dunning_actions') }}
    union all
    select
        account_id,
        sent_on as event_date,
        10 as sequence,
        'headend_command' as kind,
        command_id as reference,
        null as ticket_id,
        null as amount,
        null as currency,
        '헤드엔드 명령: ' || action || ' ' || product_code || ' (' || reason || ')' as label_ko,
        'Headend command: ' || action || ' ' || product_code || ' (' || reason || ')' as label_en
    from {{ source('ledger', 'headend_commands') }}
    union all
    select
        account_id,
        written_off_on as event_date,
        11 as sequence,
        'write_off' as kind,
        oldest_invoice_no as reference,
        null as ticket_id,
        -amount as amount,
        currency,
        '대손 처리' as label_ko,
        'Written off' as label_en
    from {{ source('ledger', 'write_offs') }}

)

select
    events.account_id,
    events.event_date,
    cast(events.sequence as integer) as sequence,
    events.kind,
    events.reference,
    events.ticket_id,
    cast(events.amount as decimal(18, 2)) as amount,
    coalesce(events.currency, accounts.currency) as currency,
    events.label_ko,
    events.label_en
from events
left join accounts
    on events.account_id = accounts.account_id

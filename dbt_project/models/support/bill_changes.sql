{#- Why an account's latest bill differs from the one before it: both invoices'
    lines summed by line type, product and kind, and each sum that changed, with
    why (a promotion that ended or began, an outage credited, late usage billed, a
    correction, a charge added, ended or changed). An account's first bill has no
    rows: there is nothing to compare it with. -#}
{%- set labels = {
    'promotion_ended': ('할인 종료', 'promotion ended'),
    'promotion_started': ('할인 시작', 'promotion started'),
    'outage_credit': ('장애 보상', 'outage credited'),
    'support_credit': ('상담 조정', 'support adjustment'),
    'late_usage': ('지연 청구 사용분', 'late usage billed'),
    'correction': ('지난 기간 정정', 'correction of a closed period'),
    'new_charge': ('새 청구 항목', 'new charge'),
    'no_longer_billed': ('청구 종료', 'no longer billed'),
    'amount_changed': ('금액 변동', 'amount changed'),
} %}
with invoices as (

    select
        account_id,
        invoice_no,
        currency,
        row_number() over (
            partition by account_id order by issue_date desc, invoice_no desc
        ) as recency
    from {{ source('ledger', 'invoices') }}

),

pairs as (

    select
        latest.account_id,
        latest.currency,
        latest.invoice_no,
        previous.invoice_no as previous_invoice_no
    from invoices as latest
    inner join invoices as previous
        on latest.account_id = previous.account_id and previous.recency = 2
    where latest.recency = 1

),

lines as (

    select
        invoice_no,
        line_type,
        coalesce(product_code, '') as product_code,
        case
            when line_type = 'credit' and source_ref = 'OUTAGE' then 'outage_credit'
            when line_type = 'credit' and source_ref like 'ADJ:%' then 'support_credit'
            when line_type = 'correction' and product_code in ('VOD', 'PPV', 'DATA')
                then 'late_usage'
            when line_type = 'discount' then 'promotion'
            else line_type
        end as kind,
        amount
    from {{ source('ledger', 'invoice_lines') }}

),

{# each pair once per invoice of it: the lines are joined on equality (a hash join;
    a join on `in (a, b)` compares every pair with every line) #}
pair_invoices as (

    select
        *,
        invoice_no as line_invoice_no
    from pairs
    union all
    select
        *,
        previous_invoice_no as line_invoice_no
    from pairs

),

sides as (

    select
        pairs.account_id,
        pairs.currency,
        pairs.invoice_no,
        pairs.previous_invoice_no,
        lines.line_type,
        lines.product_code,
        lines.kind,
        case when lines.invoice_no = pairs.previous_invoice_no then lines.amount else 0 end
            as amount_before,
        case when lines.invoice_no = pairs.invoice_no then lines.amount else 0 end as amount_now,
        case when lines.invoice_no = pairs.previous_invoice_no then 1 else 0 end as on_before,
        case when lines.invoice_no = pairs.invoice_no then 1 else 0 end as on_now
    from pair_invoices as pairs
    inner join lines
        on pairs.line_invoice_no = lines.invoice_no

),

grouped as (

    select
        account_id,
        currency,
        invoice_no,
        previous_invoice_no,
        line_type,
        product_code,
        kind,
        sum(amount_before) as amount_before,
        sum(amount_now) as amount_now,
        max(on_before) as on_before,
        max(on_now) as on_now
    from sides
    group by account_id, currency, invoice_no, previous_invoice_no, line_type, product_code, kind

),

changes as (

    select
        *,
        case
            when on_before = 0 then 'added'
            when on_now = 0 then 'ended'
            else 'changed'
        end as change
    from grouped
    where amount_now <> amount_before

),

reasons as (

    select
        *,
        case
            when kind = 'promotion' and change = 'ended' then 'promotion_ended'
            when kind = 'promotion' and change = 'added' then 'promotion_started'
            when kind in ('outage_credit', 'support_credit', 'late_usage', 'correction') then kind
            when change = 'added' then 'new_charge'
            when change = 'ended' then 'no_longer_billed'
            else 'amount_changed'
        end as reason
    from changes

)

select
    reasons.account_id,
    reasons.currency,
    reasons.invoice_no,
    reasons.previous_invoice_no,
    reasons.line_type,
    nullif(reasons.product_code, '') as product_code,
    reasons.kind,
    reasons.change,
    cast(reasons.amount_before as decimal(18, 2)) as amount_before,
    cast(reasons.amount_now as decimal(18, 2)) as amount_now,
    cast(reasons.amount_now - reasons.amount_before as decimal(18, 2)) as difference,
    case reasons.reason
        {%- for reason, (ko, en) in labels.items() %}
            when '{{ reason }}' then '{{ ko }}'
        {%- endfor %}
    end as reason_ko,
    case reasons.reason
        {%- for reason, (ko, en) in labels.items() %}
            when '{{ reason }}' then '{{ en }}'
        {%- endfor %}
    end as reason_en
from reasons

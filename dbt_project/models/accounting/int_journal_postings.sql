{#- A view: journal_entries reads one close's postings of it, and the filter on
    cycle_date reaches the ledger's tables. -#}
{{ config(materialized='view') }}

{#- Every accounting event of the closed ledger as signed postings (debit > 0,
    credit < 0) to an accounting role, or to a product's own revenue account. Each
    event is one journal (journal_id) that sums to zero; cycle_date is the bill run
    whose close recorded it. A two-sided event is posted once per side: side 1 the
    debit of a positive amount, side 2 its credit. -#}
with invoices as (

    select * from {{ source('ledger', 'invoices') }}

),

sides as (

    select 1 as side
    union all
    select 2 as side

),

lines as (

    select
        lines.invoice_no,
        lines.line_no,
        lines.line_type,
        lines.product_code,
        lines.description_en,
        lines.amount,
        lines.service_from,
        lines.account_id,
        lines.cycle_date,
        lines.currency,
        invoices.issue_date,
        products.charge_type,
        products.gl_revenue_account
    from {{ source('ledger', 'invoice_lines') }} as lines
    inner join invoices
        on lines.invoice_no = invoices.invoice_no
    left join {{ ref('stg_cms__products') }} as products
        on
            lines.product_code = products.product_code
            and coalesce(lines.service_from, invoices.period_start) >= products.valid_from
            and (
                products.valid_to is null
                or coalesce(lines.service_from, invoices.period_start) < products.valid_to
            )
    where lines.amount <> 0

),

invoice_postings as (

    {# each line credits its account: revenue (deferred for an annual charge), VAT,
        late-fee income; discounts, credits and rounding debit contra revenue #}
    select
        'INV:' || lines.invoice_no as journal_id,
        lines.line_no as event_line_no,
        lines.cycle_date,
        lines.issue_date as posting_date,
        case
            when lines.line_type = 'vat' then 'vat_payable'
            when lines.line_type = 'rounding' then 'rounding'
            when lines.line_type = 'late_fee' then 'other_income'
            when lines.line_type = 'discount' then 'discounts'
            when lines.line_type = 'credit' then 'credits'
            when lines.line_type = 'recurring' and lines.charge_type = 'annual'
                then 'deferred_revenue'
            when lines.gl_revenue_account is not null then 'product_revenue'
            when lines.product_code = 'DATA' then 'data_overage'
            when lines.product_code is null and lines.line_type = 'correction' then 'adjustments'
            else 'revenue_other'
        end as role,
        lines.gl_revenue_account as product_gl_account,
        lines.product_code,
        -lines.amount as amount,
        lines.currency,
        'invoice' as source_type,
        lines.invoice_no as source_id,
        lines.account_id,
        lines.description_en as memo
    from lines
    union all
    {# and accounts receivable is debited with the invoice's current charges #}
    select
        'INV:' || lines.invoice_no as journal_id,
        0 as event_line_no,
        lines.cycle_date,
        lines.issue_date as posting_date,
        'receivable' as role,
        cast(null as {{ dbt.type_string() }}) as product_gl_account,
        cast(null as {{ dbt.type_string() }}) as product_code,
        sum(lines.amount) as amount,
        lines.currency,
        'invoice' as source_type,
        lines.invoice_no as source_id,
        lines.account_id,
        'Invoice ' || lines.invoice_no as memo
    from lines
    group by lines.invoice_no, lines.cycle_date, lines.issue_date, lines.currency, lines.account_id

),

recognitions as (

    {# an annual charge is recognised in twelve monthly parts from the month it
        starts, part k = floor(amount x (k + 1) / 12) - floor(amount x k / 12), each
        posted on the first day of the month after, with the first bill run on or
        after that day #}
    select
        lines.invoice_no,
        lines.line_no,
        lines.account_id,
        lines.currency,
        lines.product_code,
        lines.gl_revenue_account,
        months.k,
        {{ shift_date('month', 'months.k + 1', dbt.date_trunc('month', 'lines.service_from')) }}
            as posting_date,
        {{ from_minor(
            div_floor(to_minor('lines.amount', 'currencies.minor_scale') ~ ' * (months.k + 1)', '12')
            ~ ' - ' ~ div_floor(to_minor('lines.amount', 'currencies.minor_scale') ~ ' * months.k', '12'),
            'currencies.minor_factor') }} as part
    from lines
    inner join {{ ref('currencies') }} as currencies
        on lines.currency = currencies.currency
    cross join (
        {% for k in range(12) -%}
            select {{ k }} as k
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as months
    where lines.line_type = 'recurring' and lines.charge_type = 'annual'

),

{# the bill runs so far: an annual part posts with the first one issued on or after
    its month #}
bill_runs as (

    select distinct
        cycle_date,
        issue_date
    from invoices

),

recognition_runs as (

    select
        recognitions.invoice_no,
        recognitions.line_no,
        recognitions.account_id,
        recognitions.currency,
        recognitions.product_code,
        recognitions.gl_revenue_account,
        recognitions.k,
        recognitions.posting_date,
        recognitions.part,
        min(runs.cycle_date) as cycle_date
    from recognitions
    inner join bill_runs as runs
        on recognitions.posting_date <= runs.issue_date
    where recognitions.part <> 0
    group by
        recognitions.invoice_no, recognitions.line_no, recognitions.account_id,
        recognitions.currency, recognitions.product_code, recognitions.gl_revenue_account,
        recognitions.k, recognitions.posting_date, recognitions.part

),

recognition_postings as (

    select
        'REC:' || runs.invoice_no || ':' || cast(runs.line_no as {{ dbt.type_string() }})
        || ':' || cast(runs.k + 1 as {{ dbt.type_string() }}) as journal_id,
        sides.side as event_line_no,
        runs.cycle_date,
        runs.posting_date,
        case when sides.side = 1 then 'deferred_revenue' else 'product_revenue' end as role,
        runs.gl_revenue_account as product_gl_account,
        runs.product_code,
        case when sides.side = 1 then runs.part else -runs.part end as amount,
        runs.currency,
        'recognition' as source_type,
        runs.invoice_no as source_id,
        runs.account_id,
        'Annual charge recognised, month ' || cast(runs.k + 1 as {{ dbt.type_string() }})
        || ' of 12' as memo
    from recognition_runs as runs
    cross join sides

),

{# a payment is posted by the close that recorded it, shown on an invoice or not #}
payments as (

    select
        payments.payment_ref,
        payments.account_id,
        payments.cycle_date,
        payments.received_on,
        payments.amount,
        payments.method,
        coalesce(invoices.currency, accounts.currency) as currency,
        suspense.payment_ref is not null as was_in_suspense
    from {{ source('ledger', 'invoice_payments') }} as payments
    left join invoices
        on payments.invoice_no = invoices.invoice_no
    left join {{ ref('stg_cms__accounts') }} as accounts
        on payments.account_id = accounts.account_id
    left join {{ source('ledger', 'suspense_payments') }} as suspense
        on
            payments.payment_ref = suspense.payment_ref
            and payments.cycle_date > suspense.cycle_date

),

payment_postings as (

    {# cash, or the clearing account of the method (suspense for a deposit booked
        there before its account appeared), against accounts receivable; a refund or
        chargeback, a negative amount, the other way round #}
    select
        'PAY:' || payments.payment_ref as journal_id,
        sides.side as event_line_no,
        payments.cycle_date,
        payments.received_on as posting_date,
        case
            when sides.side = 2 then 'receivable'
            when payments.was_in_suspense then 'suspense'
            when payments.method = 'card' then 'card_clearing'
            when payments.method = 'easy_pay' then 'easy_pay_clearing'
            else 'bank'
        end as role,
        cast(null as {{ dbt.type_string() }}) as product_gl_account,
        cast(null as {{ dbt.type_string() }}) as product_code,
        case when sides.side = 1 then payments.amount else -payments.amount end as amount,
        payments.currency,
        case when payments.amount < 0 then 'refund' else 'payment' end as source_type,
        payments.payment_ref as source_id,
        payments.account_id,
        case when payments.amount < 0 then 'Refund ' else 'Payment ' end
        || payments.payment_ref || ' (' || payments.method || ')' as memo
    from payments
    cross join sides

),

suspense_postings as (

    select
        'SUS:' || suspense.payment_ref as journal_id,
        sides.side as event_line_no,
        suspense.cycle_date,
        suspense.received_on as posting_date,
        case when sides.side = 1 then 'bank' else 'suspense' end as role,
        cast(null as {{ dbt.type_string() }}) as product_gl_account,
        cast(null as {{ dbt.type_string() }}) as product_code,
        case when sides.side = 1 then suspense.amount else -suspense.amount end as amount,
        '{{ var("ledger_currency") }}' as currency,
        'unmatched_payment' as source_type,
        suspense.payment_ref as source_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        'Deposit to unknown virtual account ' || suspense.virtual_account_no as memo
    from {{ source('ledger', 'suspense_payments') }} as suspense
    cross join sides

),

credit_note_postings as (

    {# contra revenue and VAT payable, per line, against accounts receivable #}
    select
        'CN:' || credit_notes.credit_note_no as journal_id,
        credit_notes.line_no * 2 - 2 + sides.side as event_line_no,
        credit_notes.cycle_date,
        credit_notes.issue_date as posting_date,
        case when sides.side = 1 then 'credits' else 'vat_payable' end as role,
        cast(null as {{ dbt.type_string() }}) as product_gl_account,
        cast(null as {{ dbt.type_string() }}) as product_code,
        case
            when sides.side = 1 then credit_notes.supply_amount else credit_notes.vat_amount
        end as amount,
        credit_notes.currency,
        'credit_note' as source_type,
        credit_notes.credit_note_no as source_id,
        credit_notes.account_id,
        'Credit note ' || credit_notes.credit_note_no || ' for ' || credit_notes.invoice_no
        || ': ' || credit_notes.reason_code as memo
    from {{ source('ledger', 'credit_notes') }} as credit_notes
    cross join sides
    union all
    select
        'CN:' || credit_notes.credit_note_no as journal_id,
        0 as event_line_no,
        credit_notes.cycle_date,
        credit_notes.issue_date as posting_date,
        'receivable' as role,
        cast(null as {{ dbt.type_string() }}) as product_gl_account,
        cast(null as {{ dbt.type_string() }}) as product_code,
        -sum(credit_notes.total) as amount,
        credit_notes.currency,
        'credit_note' as source_type,
        credit_notes.credit_note_no as source_id,
        credit_notes.account_id,
        'Credit note ' || credit_notes.credit_note_no || ' for ' || credit_notes.invoice_no as memo
    from {{ source('ledger', 'credit_notes') }} as credit_notes
    group by
        credit_notes.credit_note_no, credit_notes.invoice_no, credit_notes.cycle_date,
        credit_notes.issue_date, credit_notes.currency, credit_notes.account_id

),

write_off_postings as (

    select
        'WO:' || write_offs.account_id || ':'
        || cast(write_offs.written_off_on as {{ dbt.type_string() }}) as journal_id,
        sides.side as event_line_no,
        write_offs.cycle_date,
        write_offs.written_off_on as posting_date,
        case when sides.side = 1 then 'bad_debt' else 'receivable' end as role,
        cast(null as {{ dbt.type_string() }}) as product_gl_account,
        cast(null as {{ dbt.type_string() }}) as product_code,
        case when sides.side = 1 then write_offs.amount else -write_offs.amount end as amount,
        write_offs.currency,
        'write_off' as source_type,
        write_offs.account_id || ':'
        || cast(write_offs.written_off_on as {{ dbt.type_string() }}) as source_id,
        write_offs.account_id,
        'Written off from ' || write_offs.oldest_invoice_no as memo
    from {{ ref('int_write_offs_closed') }} as write_offs
    cross join sides

),

opening_balance_postings as (

    {# what an account owed the previous billing system (a credit: negative) moves to
        receivables against the migration clearing account, on its go-live date, by
        the close that took it in #}
    select
        'OB:' || opening.account_id as journal_id,
        sides.side as event_line_no,
        opening.cycle_date,
        opening.as_of as posting_date,
        case when sides.side = 1 then 'receivable' else 'migration_clearing' end as role,
        cast(null as {{ dbt.type_string() }}) as product_gl_account,
        cast(null as {{ dbt.type_string() }}) as product_code,
        case when sides.side = 1 then opening.amount else -opening.amount end as amount,
        opening.currency,
        'opening_balance' as source_type,
        opening.legacy_ref as source_id,
        opening.account_id,
        'Opening balance from the previous system (' || opening.legacy_ref || ')' as memo
    from {{ source('ledger', 'opening_balances') }} as opening
    cross join sides

),

credit_positions as (

    select
        invoice_no,
        account_id,
        cycle_date,
        issue_date,
        currency,
        greatest(-balance, 0) - coalesce(lag(greatest(-balance, 0)) over (
            partition by account_id order by cycle_date
        ), 0) as change
    from {{ ref('int_account_balance_points') }}

),

credit_balance_postings as (

    {# what customers have paid in advance is a liability, not negative receivables:
        each invoice moves the change in its account's credit balance, and so does a
        close that settled the account to zero without an invoice #}
    select
        'CRB:' || coalesce(
            positions.invoice_no,
            positions.account_id || ':' || cast(positions.cycle_date as {{ dbt.type_string() }})
        ) as journal_id,
        sides.side as event_line_no,
        positions.cycle_date,
        positions.issue_date as posting_date,
        case when sides.side = 1 then 'receivable' else 'customer_credit' end as role,
        cast(null as {{ dbt.type_string() }}) as product_gl_account,
        cast(null as {{ dbt.type_string() }}) as product_code,
        case when sides.side = 1 then positions.change else -positions.change end as amount,
        positions.currency,
        'credit_balance' as source_type,
        coalesce(
            positions.invoice_no,
            positions.account_id || ':' || cast(positions.cycle_date as {{ dbt.type_string() }})
        ) as source_id,
        positions.account_id,
        'Customer credit balance after ' || coalesce(
            positions.invoice_no,
            'the close of ' || cast(positions.cycle_date as {{ dbt.type_string() }})
        ) as memo
    from credit_positions as positions
    cross join sides
    where positions.change <> 0

),

postings as (

    select * from invoice_postings
    union all
    select * from recognition_postings
    union all
    select * from payment_postings
    union all
    select * from suspense_postings
    union all
    select * from credit_note_postings
    union all
    select * from write_off_postings
    union all
    select * from credit_balance_postings
    union all
    select * from opening_balance_postings

)

select
    journal_id,
    event_line_no,
    cycle_date,
    posting_date,
    role,
    product_gl_account,
    product_code,
    cast(amount as decimal(18, 2)) as amount,
    currency,
    source_type,
    source_id,
    account_id,
    memo
from postings

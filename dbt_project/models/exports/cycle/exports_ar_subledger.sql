{#- The AR subledger: the customer-level detail behind the summary journal's
    receivable lines, one row per journal line the cycle's bill run posted to an
    accounts-receivable control account, with the customer and the document
    (invoice, payment, credit note, write-off) it comes from. Per fiscal period and
    currency its debits and credits are the summary journal's on those accounts. -#}
select
    account_id,
    posting_date,
    event_date,
    fiscal_period,
    journal_id,
    line_no,
    source_type,
    source_id,
    gl_account,
    debit,
    credit,
    currency,
    cycle_date
from {{ ref('journal_entries') }}
where role = 'receivable'

select
    journal_id,
    line_no,
    posting_date,
    fiscal_period,
    gl_account,
    debit,
    credit,
    currency,
    source_type,
    source_id,
    account_id,
    memo,
    event_date,
    cycle_date
from {{ ref('journal_entries') }}

select
    account_id,
    currency,
    fiscal_period,
    opening_balance,
    invoiced,
    paid,
    credited,
    written_off,
    closing_balance
from {{ ref('ar_rollforward') }}

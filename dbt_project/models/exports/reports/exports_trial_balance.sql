select
    fiscal_period,
    gl_account,
    gl_account_name,
    currency,
    opening_balance,
    debit,
    credit,
    closing_balance
from {{ ref('trial_balance') }}

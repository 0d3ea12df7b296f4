select
    fiscal_period,
    gl_account,
    gl_account_name,
    gl_account_name_en,
    currency,
    opening_balance,
    debit,
    credit,
    closing_balance
from {{ ref('trial_balance') }}

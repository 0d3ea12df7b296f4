select
    fiscal_period,
    gl_account,
    gl_account_name,
    gl_account_name_en,
    role,
    product_code,
    currency,
    net_revenue
from {{ ref('revenue_by_gl') }}

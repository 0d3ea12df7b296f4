select
    fiscal_period,
    gl_account,
    role,
    product_code,
    currency,
    net_revenue
from {{ ref('revenue_by_gl') }}

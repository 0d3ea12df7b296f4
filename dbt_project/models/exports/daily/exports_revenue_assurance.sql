select
    account_id,
    product_code,
    kind,
    as_of,
    monthly_revenue
from {{ ref('revenue_assurance') }}

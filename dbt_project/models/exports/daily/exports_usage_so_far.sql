select
    account_id,
    as_of,
    period_start,
    period_end,
    currency,
    data_used_bytes,
    data_allowance_gb,
    data_used_pct,
    vod_views_included,
    vod_views_used,
    vod_views_left,
    vod_so_far,
    ppv_so_far,
    data_overage_so_far,
    monthly_so_far,
    projected_charges
from {{ ref('usage_so_far') }}

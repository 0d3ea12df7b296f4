select
    feed,
    delivery_id,
    entity,
    row_number,
    reason_code,
    detail,
    cycle_date
from {{ ref('quarantine') }}

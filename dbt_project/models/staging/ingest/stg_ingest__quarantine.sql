select
    feed,
    delivery_id,
    entity,
    file,
    row_number,
    reason_code,
    detail
from {{ source('ingest', 'quarantine') }}

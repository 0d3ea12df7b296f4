select
    feed,
    delivery_id,
    extracted_at,
    rows_loaded,
    rows_quarantined
from {{ source('ingest', 'deliveries') }}

{#- The quarantine review's rows (a warning, never a block): every quarantined row
    of the deliveries the cycle takes in, of the entities too small for their share
    to be judged (under `quarantine_min_rows` rows, quality_feed_quarantine). -#}

select
    q.feed || '.' || q.entity as entity,
    q.delivery_id,
    q.row_number,
    q.reason_code,
    q.detail,
    1 as quarantined
from {{ source('ingest', 'quarantine') }} as q
inner join ({{ deliveries_taken_in() }}) as taken_in
    on q.feed = taken_in.feed and q.delivery_id = taken_in.delivery_id
inner join {{ ref('quality_feed_quarantine') }} as sizes
    on q.feed || '.' || q.entity = sizes.entity
where sizes.rows_loaded + sizes.rows_quarantined < {{ var('quarantine_min_rows') }}

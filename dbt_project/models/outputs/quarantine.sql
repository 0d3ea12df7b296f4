{#- The rows refused from the deliveries each closed cycle took in (export
    `quarantine`), detail masked. -#}
select
    quarantine.feed,
    quarantine.delivery_id,
    quarantine.entity,
    quarantine.row_number,
    quarantine.reason_code,
    quarantine.detail,
    closed.cycle_date
from {{ ref('stg_ingest__quarantine') }} as quarantine
inner join {{ source('ledger', 'closed_deliveries') }} as closed
    on
        quarantine.feed = closed.feed
        and quarantine.delivery_id = closed.delivery_id

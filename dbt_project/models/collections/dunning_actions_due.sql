{#- Every dunning stage each account has reached in its current dunning episode (the
    oldest unpaid item's due date), as of the day: one row per account and stage.
    The daily run records the rows not recorded before; the export of a day lists
    those it recorded, so a skipped day's stages come with the next run. -#}
with stages as (

    {% for stage, days, action in dunning_stages() -%}
        select
            '{{ stage }}' as stage,
            {{ loop.index }} as stage_order,
            {{ days }} as days_past_due,
            '{{ action }}' as action
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    status.account_id,
    status.as_of_date as as_of,
    stages.stage,
    stages.stage_order,
    status.oldest_due_date,
    {{ shift_date('day', 'stages.days_past_due', 'status.oldest_due_date') }} as stage_date,
    cast(status.overdue_amount as decimal(18, 2)) as overdue_amount,
    stages.action
from {{ ref('int_dunning_status') }} as status
inner join stages
    on status.days_past_due >= stages.days_past_due

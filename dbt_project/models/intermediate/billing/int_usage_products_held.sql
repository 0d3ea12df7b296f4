{#- For each billed account and each service period that has usage to rate (this
    period, or an earlier one with late usage): the VOD views included and the data
    allowance of the products held on any day of that period, and the internet
    product whose overage tiers apply (the one with the largest allowance). -#}
with periods as (

    select
        account_id,
        usage_period_start
    from {{ ref('int_usage_events_unbilled') }}
    union
    select
        account_id,
        usage_period_start
    from {{ ref('int_data_usage_by_period') }}

)

{{ usage_products_held('periods') }}

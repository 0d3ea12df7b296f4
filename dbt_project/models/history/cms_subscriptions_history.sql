{{
    config(
        alias='cms_subscriptions',
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        full_refresh=false,
    )
}}

{#- Every version of every subscription the CMS deliveries showed, numbered per
    subscription: a new version when a billed attribute changes (a backdated
    cancellation, a new quantity), appended by the drafts' build. Append-only, so
    that it runs on every engine (a dbt snapshot on Spark needs Delta Lake). -#}
{%- set tracked = [
    'product_code', 'quantity', 'start_date', 'end_date', 'termination_reason',
] %}

with current_versions as (

    select * from {{ ref('stg_cms__subscriptions') }}

),

{#- a warehouse from before this model: the dbt snapshot's versions, in order #}
{%- set snapshot = adapter.get_relation(
    database=this.database, schema='snapshots', identifier='cms_subscriptions_history')
    if execute and not is_incremental() else none %}

{%- if is_incremental() or snapshot %}

recorded as (

    {%- if is_incremental() %}
    select * from {{ this }}
    {%- else %}
    select
        subscription_id, account_id, product_code, quantity, start_date, end_date,
        contract_months, contract_start_date, contract_discount_pct,
        termination_reason, discount_granted_before, delivery_id, extracted_at,
        cast(row_number() over (
            partition by subscription_id order by dbt_valid_from
        ) as integer) as version
    from {{ snapshot }}
    {%- endif %}

),
{%- endif %}

latest as (

    {{ latest_versions('recorded' if is_incremental() or snapshot else none, 'subscription_id') }}

),

changed as (

    {{ new_versions('subscription_id', tracked) }}

)

select * from changed
{% if snapshot -%}
union all
select * from recorded
{%- endif %}

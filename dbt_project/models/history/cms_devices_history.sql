{{
    config(
        alias='cms_devices',
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        full_refresh=false,
    )
}}

{#- Every version of every rented device the CMS deliveries showed, numbered per
    device: a new version when what its rental bills changes (a return entered or
    moved, the device rented again or to another account), appended by the drafts'
    build. Re-rating names the change from it. -#}
{%- set tracked = ['account_id', 'rental_product_code', 'rented_from', 'returned_at'] %}

with current_versions as (

    select * from {{ ref('stg_cms__devices') }}

),

latest as (

    {{ latest_versions(this if is_incremental() else none, 'device_serial') }}

)

{{ new_versions('device_serial', tracked) }}

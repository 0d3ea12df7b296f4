{#- The data usage records this bill run counts (int_data_usage_records) of accounts
    the current CMS snapshot does not have: what usage_suspense holds of them. Only
    the records with a copy of the window naming such an account are read, so that
    the records of known accounts are not numbered a second time. -#}
{{ config(materialized='view') }}
{%- set cms_accounts -%}
    select accounts.account_id from {{ ref('stg_cms__accounts') }} as accounts
{%- endset %}
{%- set unknown -%}
    select unknown.record_id
    from {{ source('headend', 'data_usage') }} as unknown
    where
        unknown.usage_start >= {{ local_midnight(usage_window_start()) }}
        and unknown.account_id not in ({{ cms_accounts }})
{%- endset %}

select records.*
from ({{ uncounted_data_usage(records=unknown) }}) as records
where records.account_id not in ({{ cms_accounts }})

{#- The collections rules that several models share. -#}

{% macro dunning_stages() -%}
    {#- The dunning ladder, in order: stage, days past due, action. -#}
    {{ return([
        ('reminder', var('dunning_reminder_days'), 'send_reminder'),
        ('second_notice', var('dunning_second_notice_days'), 'send_second_notice'),
        ('suspension_notice', var('dunning_suspension_notice_days'), 'send_suspension_notice'),
        ('suspend', var('dunning_suspend_days'), 'suspend'),
        ('terminate', var('write_off_days'), 'terminate_and_write_off'),
    ]) }}
{%- endmacro %}

{% macro service_product_types() -%}
    {#- The product types the headend authorises (entitlements), as a SQL list. -#}
    ('base_package', 'premium_channel', 'addon', 'internet', 'phone')
{%- endmacro %}

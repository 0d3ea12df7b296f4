{#- The close (models/ledger/close): the gated drafts of a cycle, numbered and
    appended to the ledger. Each close model appends the cycle's rows in one
    statement, once; ledger_closed_cycles, last, marks the cycle closed. A close
    model reads its own table, and the invoices' numbers, as sources (ledger.*):
    the same tables, named apart from the marts of the same names. A close
    stopped half-way is finished by the next run: what a model recorded stays, the
    others append theirs, and the invoice numbers, given once by ledger_invoices,
    are read from there. -#}

{#- The filter of a close model, whose rows are aliased `due`: the cycle's, while it
    is not closed, and none its ledger table `recorded` (the model's own table, read
    as a source) already holds with the same `keys`. -#}
{% macro closing_once(recorded, keys=['cycle_date']) %}
where
    due.cycle_date = {{ bill_cycle_date() }}
    and not exists (
        select 1
        from {{ source('ledger', 'closed_cycles') }} as closed
        where closed.cycle_date = due.cycle_date
    )
    and not {{ recorded_in(recorded, keys) }}
{% endmacro %}

{#- The last number of each yearly series (by issue year) in the ledger tables
    `recorded`: (series_year, last_used). -#}
{% macro last_in_series(recorded, number_column) %}
    select
        year(issue_date) as series_year,
        max(cast(right({{ number_column }}, 8) as bigint)) as last_used
    from (
        {%- for relation in recorded %}
        select {{ number_column }}, issue_date from {{ relation }}
        {{ "union all" if not loop.last }}
        {%- endfor %}
    ) as issued
    group by year(issue_date)
{% endmacro %}

{#- <prefix>-YYYY-nnnnnnnn: the next numbers of the issue year's series after
    `last_used`, in `order_by` order. -#}
{% macro series_number(prefix, issue_date, last_used, order_by) -%}
    concat(
        '{{ prefix }}-',
        cast(year({{ issue_date }}) as {{ dbt.type_string() }}),
        '-',
        lpad(cast(coalesce({{ last_used }}, 0) + row_number() over (
            partition by year({{ issue_date }}) order by {{ order_by }}
        ) as {{ dbt.type_string() }}), 8, '0')
    )
{%- endmacro %}

{#- The ledger number (numbered.invoice_no) of the cycle's draft invoice `draft_no`
    (ledger_invoice_numbers); `join` left keeps rows of no invoice. -#}
{% macro ledger_invoice_number(draft_no, join='inner') %}
{{ join }} join {{ ref('ledger_invoice_numbers') }} as numbered
    on numbered.cycle_date = {{ bill_cycle_date() }}
    and numbered.draft_invoice_no = {{ draft_no }}
{% endmacro %}

{#- A string as a SQL literal, quoted by the adapter's own rule. -#}
{% macro sql_string(value) -%}
    '{{ escape_single_quotes(value) }}'
{%- endmacro %}

{#- Refuse to close drafts built before a write-off they should show was recorded
    (the daily collections run may record one between a preview and the close). -#}
{% macro require_drafts_show_write_offs() %}
    {%- if execute and flags.WHICH in ('build', 'run') and model.resource_type == 'model' %}
    {%- set missing = run_query(
        "select recorded.account_id, recorded.written_off_on
        from " ~ source('ledger', 'write_offs') ~ " as recorded
        where recorded.cycle_date = " ~ bill_cycle_date() ~ "
            and not exists (
                select 1 from " ~ source('ledger', 'closed_cycles') ~ " as closed
                where closed.cycle_date = recorded.cycle_date
            )
            and not exists (
                select 1 from " ~ ref('write_offs') ~ " as shown
                where shown.cycle_date = recorded.cycle_date
                    and shown.account_id = recorded.account_id
                    and shown.written_off_on = recorded.written_off_on
            )
        order by recorded.account_id") %}
    {%- if missing.rows | length %}
    {%- set accounts = [] %}
    {%- for row in missing.rows[:5] %}
    {%- do accounts.append(row[0] ~ " (" ~ row[1] ~ ")") %}
    {%- endfor %}
    {{ exceptions.raise_compiler_error(
        "cycle " ~ var('cycle_date') ~ ": " ~ missing.rows | length
        ~ " write-off(s) were recorded after the drafts were built (" ~ accounts | join(', ')
        ~ "); run the bill run again to include them") }}
    {%- endif %}
    {%- endif %}
{% endmacro %}

{% macro sql_list(values) -%}
    {#- `values` as a list of SQL string literals (for `in (...)`); an empty list is
        a list of one null, which nothing equals. -#}
    {%- for value in values -%}
        {{ sql_string(value) }}{{ ', ' if not loop.last }}
    {%- else -%}
        null
    {%- endfor -%}
{%- endmacro %}

{#- A filter on `column` to the closed cycles whose rows `recorded` (the incremental
    model being built) does not hold yet, each a date literal the engine prunes the
    ledger's tables by; nothing when the model is built whole (its first build, a
    unit test). Each close's rows are appended once, so closed periods are neither
    read again nor changed. -#}
{% macro closes_not_recorded(column, recorded) %}
    {%- if execute and is_incremental() %}
    {%- set due -%}
        select cycle_date from {{ source('ledger', 'closed_cycles') }}
        except
        select cycle_date from {{ recorded }}
    {%- endset %}
    {%- set cycles = run_query(due).columns[0].values() | map('string') | sort %}
    where
        {%- if cycles %} {{ column }} in (
            {%- for cycle in cycles %}cast('{{ cycle }}' as date){{ ", " if not loop.last }}{% endfor -%}
        )
        {%- else %} 1 = 0
        {%- endif %}
    {%- endif %}
{% endmacro %}

{#- The rows of the ledger's table `table` that cycles before the one being built
    recorded: building a cycle again, even one already closed, sees the same history
    and so produces the same drafts. The cycle is a literal, which the engine prunes
    the ledger's table by. -#}
{% macro recorded_before_cycle(table) %}
select *
from {{ source('ledger', table) }}
where cycle_date < {{ bill_cycle_date() }}
{% endmacro %}

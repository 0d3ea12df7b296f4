{#- The ledger: what closed bill runs issued (with the account details each invoice
    was issued to and what its statement shows beside its lines, so that a statement
    never changes), the credit notes and the payments each close recorded, deposits
    held in suspense, the deliveries each close took in, and what the daily
    collections run sent. Written only by the models in models/ledger (the close's
    and the daily run's, appending), read by billing for balances, late fees and
    what was already billed. Their empty tables are made here, from the models'
    contracts, so that a new warehouse builds; older warehouses are brought up to
    date. -#}
{% macro create_ledger_tables() %}
    {{- return(adapter.dispatch('create_ledger_tables', 'cablebill')()) }}
{% endmacro %}

{% macro default__create_ledger_tables() %}
    {%- set marked = execute and adapter.get_relation(
        database=target.database, schema='ledger', identifier='closed_cycles') %}
    create schema if not exists ledger;
    {{ create_recorded_tables() }}
    {#- a payment of an account that got no invoice is recorded with none (before
        this, every account with a payment got an invoice) -#}
    alter table ledger.invoice_payments alter column invoice_no drop not null;
    {%- if execute and not marked %}
    {#- a warehouse from before ledger.closed_cycles: a cycle with invoices was closed
        (its close was one transaction) -#}
    insert into ledger.closed_cycles
    select cycle_date, count(*), min(invoice_no), max(invoice_no), '', current_timestamp
    from ledger.invoices
    group by cycle_date;
    {%- endif %}
{% endmacro %}

{#- On Spark, one statement at a time; the warehouse is new with this target (no
    older layout to bring up to date), and the feeds' landed tables are registered
    first (register_landed_tables). -#}
{% macro spark__create_ledger_tables() %}
    {%- if execute %}
    {%- do register_landed_tables() %}
    {%- do run_query('create schema if not exists ledger') %}
    {%- for statement in create_recorded_tables().split(';') if statement.strip() %}
    {%- do run_query(statement) %}
    {%- endfor %}
    {%- endif %}
{% endmacro %}

{#- The tables of the ledger models (models/ledger), empty, from their contracts:
    billing reads them before any close or collections run has built them. -#}
{% macro create_recorded_tables() %}
    {%- if not execute %}{{ return('') }}{% endif %}
    {#- spark: Parquet tables, whose NOT NULL the contracts' tests check instead #}
    {%- set not_null = target.type != 'spark' %}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.schema == 'ledger' %}
    {%- set relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias, type='table') %}
    {#- those dbt listed before this hook exist (on Spark a statement each is ~50 ms);
        dbt is told of the new ones -#}
    {%- if load_cached_relation(relation) is none %}
    {%- do adapter.cache_added(relation) %}
    create table if not exists {{ relation }} (
        {%- for column in node.columns.values() %}
        {{ column.name }} {{ column.data_type }}
        {%- if not_null and column.constraints | selectattr('type', 'equalto', 'not_null') | list %} not null{% endif %}
        {{- "," if not loop.last }}
        {%- endfor %}
    ){{ ' using parquet' if target.type == 'spark' }};
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The filter of a ledger model (models/ledger/daily) whose rows, aliased `due`, are
    recorded once: none the ledger already holds with the same `keys`. -#}
{% macro not_recorded(keys) %}
    {%- if is_incremental() %}
    where not {{ recorded_in(this, keys) }}
    {%- endif %}
{% endmacro %}

{#- True when the ledger table `recorded` holds a row with the same `keys` as `due`. -#}
{% macro recorded_in(recorded, keys) %}
    exists (
        select 1
        from {{ recorded }} as recorded
        where
            {%- for key in keys %}
            {{ "and " if not loop.first }}recorded.{{ key }} = due.{{ key }}
            {%- endfor %}
    )
{%- endmacro %}

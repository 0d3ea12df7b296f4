{#- The ledger: what closed bill runs issued (with the account details each invoice
    was issued to and what its statement shows beside its lines, so that a statement
    never changes), the credit notes and the payments each close recorded (with the
    invoice that showed them), deposits held in suspense, and the deliveries each
    close took in (whose quarantined rows its exports list). Written only by the
    close step of a bill run (orchestration), read by billing for balances, late fees
    and what was already billed. dbt creates the empty tables so that a new warehouse
    builds, and relaxes what an older warehouse's tables required. What the daily
    collections run sent (dunning actions, headend commands, retries, write-offs,
    usage alerts) is written by the models in models/ledger; their empty tables are
    made here from their contracts. -#}
{% macro create_ledger_tables() %}
    create schema if not exists ledger;
    create table if not exists ledger.invoices (
        invoice_no varchar not null,
        account_id varchar not null,
        cycle_date date not null,
        period_start date not null,
        period_end date not null,
        issue_date date not null,
        due_date date not null,
        currency varchar not null,
        supply_amount decimal(18, 2) not null,
        vat_amount decimal(18, 2) not null,
        rounding_amount decimal(18, 2) not null,
        current_charges decimal(18, 2) not null,
        previous_balance decimal(18, 2) not null,
        payments_and_credits decimal(18, 2) not null,
        amount_due decimal(18, 2) not null,
        status varchar not null
    );
    create table if not exists ledger.invoice_lines (
        invoice_no varchar not null,
        line_no integer not null,
        line_type varchar not null,
        product_code varchar,
        description_ko varchar,
        description_en varchar,
        quantity bigint,
        unit_price decimal(18, 2),
        amount decimal(18, 2) not null,
        service_from date,
        service_to date,
        source_ref varchar,
        discounts_line_no integer,
        account_id varchar not null,
        cycle_date date not null,
        currency varchar not null,
        tax_category varchar
    );
    create table if not exists ledger.invoice_accounts (
        invoice_no varchar not null,
        account_id varchar not null,
        cycle_date date not null,
        name varchar,
        address varchar,
        customer_type varchar,
        language varchar,
        payment_method varchar,
        card_last4 varchar,
        virtual_account_no varchar,
        business_reg_no varchar
    );
    create table if not exists ledger.statement_summaries (
        invoice_no varchar not null,
        account_id varchar not null,
        cycle_date date not null,
        data_used_bytes bigint,
        data_allowance_gb bigint,
        overdue_amount decimal(18, 2),
        overdue_since date
    );
    create table if not exists ledger.statement_promotions (
        invoice_no varchar not null,
        account_id varchar not null,
        cycle_date date not null,
        promo_code varchar not null,
        name varchar,
        starts_on date,
        ends_on date
    );
    create table if not exists ledger.invoice_payments (
        invoice_no varchar,
        account_id varchar not null,
        cycle_date date not null,
        payment_ref varchar not null,
        amount decimal(18, 2) not null,
        method varchar not null,
        received_on date not null
    );
    create table if not exists ledger.credit_notes (
        credit_note_no varchar not null,
        invoice_no varchar not null,
        account_id varchar not null,
        cycle_date date not null,
        issue_date date not null,
        line_no integer not null,
        reason_code varchar not null,
        supply_amount decimal(18, 2) not null,
        vat_amount decimal(18, 2) not null,
        total decimal(18, 2) not null,
        currency varchar not null,
        source_ref varchar not null
    );
    create table if not exists ledger.closed_deliveries (
        feed varchar not null,
        delivery_id varchar not null,
        cycle_date date not null
    );
    create table if not exists ledger.gate_overrides (
        cycle_date date not null,
        gate varchar not null,
        reason varchar not null,
        run_id varchar not null,
        recorded_at timestamptz not null
    );
    create table if not exists ledger.suspense_payments (
        payment_ref varchar not null,
        virtual_account_no varchar not null,
        cycle_date date not null,
        received_on date not null,
        amount decimal(18, 2) not null
    );
    {#- a payment of an account that got no invoice is recorded with none (before
        this, every account with a payment got an invoice) -#}
    alter table ledger.invoice_payments alter column invoice_no drop not null;
    {{ create_recorded_tables() }}
{% endmacro %}

{#- The tables of the ledger models (models/ledger: what the daily collections run
    sent), empty, from their contracts: bill runs read them before any collections
    run has built them. -#}
{% macro create_recorded_tables() %}
    {%- if not execute %}{{ return('') }}{% endif %}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.schema == 'ledger' %}
    {%- set relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias, type='table') %}
    {#- dbt listed the relations before this hook: tell it of the new one -#}
    {%- do adapter.cache_added(relation) %}
    create table if not exists {{ relation }} (
        {%- for column in node.columns.values() %}
        {{ column.name }} {{ column.data_type }}
        {%- if column.constraints | selectattr('type', 'equalto', 'not_null') | list %} not null{% endif %}
        {{- "," if not loop.last }}
        {%- endfor %}
    );
    {%- endfor %}
{%- endmacro %}

{#- The filter of a ledger model (models/ledger) whose rows, aliased `due`, are
    recorded once: none the ledger already holds with the same `keys`. -#}
{% macro not_recorded(keys) %}
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as recorded
        where
            {%- for key in keys %}
            {{ "and " if not loop.first }}recorded.{{ key }} = due.{{ key }}
            {%- endfor %}
    )
    {%- endif %}
{% endmacro %}

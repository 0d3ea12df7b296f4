{#- The e-tax documents (세금계산서) of each closed cycle, one row per document
    invoice_renderer/etax.py writes as XML:
    - a general one (0101) per business invoice with a standard-rated supply, with
      the invoice's VAT;
    - a zero-rated one (0102, document <invoice_no>-Z) per business invoice with a
      zero-rated supply, apart, as the standard requires;
    - an amended one (수정세금계산서, 0201, amendment 02: the supply changed) per
      credit note to a business customer whose invoice had a general document,
      referring to it, its amounts negative, issued by the close that issued the
      credit note.
    VAT and rounding lines are no supply; exempt lines belong on a 계산서, not here.
    The buyer's representative, business type and item, e-mail and address are the
    account's in the newest CMS snapshot. -#}
with supplies as (

    select
        i.invoice_no,
        i.account_id,
        i.cycle_date,
        i.issue_date,
        i.period_start,
        i.period_end,
        a.business_reg_no,
        a.name,
        a.address,
        cast(coalesce(sum(case
            when l.tax_category = 'standard' and l.line_type not in ('vat', 'rounding')
                then l.amount
        end), 0) as decimal(18, 2)) as standard_supply,
        cast(coalesce(sum(case
            when l.tax_category = 'zero' and l.line_type not in ('vat', 'rounding')
                then l.amount
        end), 0) as decimal(18, 2)) as zero_rated_supply,
        i.vat_amount
    from {{ source('ledger', 'invoices') }} as i
    inner join {{ source('ledger', 'invoice_accounts') }} as a on i.invoice_no = a.invoice_no
    inner join {{ source('ledger', 'invoice_lines') }} as l on i.invoice_no = l.invoice_no
    where a.customer_type = 'business'
    group by
        i.invoice_no, i.account_id, i.cycle_date, i.issue_date, i.period_start,
        i.period_end, a.business_reg_no, a.name, a.address, i.vat_amount

),

credit_notes as (

    select
        credit_note_no,
        invoice_no,
        cycle_date,
        issue_date,
        sum(supply_amount) as supply_amount,
        sum(vat_amount) as vat_amount
    from {{ source('ledger', 'credit_notes') }}
    group by credit_note_no, invoice_no, cycle_date, issue_date

),

documents as (

    select
        supplies.invoice_no as document_id,
        '0101' as type_code,
        cast(null as {{ dbt.type_string() }}) as amendment_code,
        cast(null as {{ dbt.type_string() }}) as original_document_id,
        supplies.*,
        supplies.standard_supply as supply_amount,
        supplies.vat_amount as tax_amount
    from supplies
    where supplies.standard_supply > 0
    union all
    select
        supplies.invoice_no || '-Z' as document_id,
        '0102' as type_code,
        cast(null as {{ dbt.type_string() }}) as amendment_code,
        cast(null as {{ dbt.type_string() }}) as original_document_id,
        supplies.*,
        supplies.zero_rated_supply as supply_amount,
        cast(0 as decimal(18, 2)) as tax_amount
    from supplies
    where supplies.zero_rated_supply > 0
    union all
    select
        notes.credit_note_no as document_id,
        '0201' as type_code,
        '02' as amendment_code,
        supplies.invoice_no as original_document_id,
        supplies.invoice_no,
        supplies.account_id,
        notes.cycle_date,
        notes.issue_date,
        supplies.period_start,
        supplies.period_end,
        supplies.business_reg_no,
        supplies.name,
        supplies.address,
        supplies.standard_supply,
        supplies.zero_rated_supply,
        supplies.vat_amount,
        -notes.supply_amount as supply_amount,
        -notes.vat_amount as tax_amount
    from credit_notes as notes
    inner join supplies on notes.invoice_no = supplies.invoice_no
    where supplies.standard_supply > 0

)

select
    documents.document_id,
    documents.type_code,
    documents.amendment_code,
    documents.original_document_id,
    documents.invoice_no,
    documents.cycle_date,
    documents.issue_date,
    documents.period_start,
    documents.period_end,
    cast({{ dbt.dateadd('day', -1, 'documents.period_end') }} as date) as period_last_day,
    documents.business_reg_no,
    documents.name,
    accounts.representative_name,
    accounts.business_type,
    accounts.business_item,
    accounts.email,
    coalesce(documents.address, accounts.address) as address,
    cast(documents.supply_amount as decimal(18, 2)) as supply_amount,
    cast(documents.tax_amount as decimal(18, 2)) as vat_amount,
    cast(documents.supply_amount + documents.tax_amount as decimal(18, 2)) as total_amount
from documents
left join {{ ref('stg_cms__accounts') }} as accounts
    on documents.account_id = accounts.account_id

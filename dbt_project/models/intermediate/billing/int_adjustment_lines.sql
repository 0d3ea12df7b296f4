{#- Support adjustments approved before the period's end and not yet on a closed
    invoice: a credit is a negative line, a debit a positive correction. Their
    amount is a supply amount: taxable ones are taxed with the invoice (standard
    category), others carry no VAT. Credits naming a closed invoice are credit notes
    instead (int_credit_note_lines). -#}
with billed_before as (

    select distinct source_ref as adjustment_id
    from {{ ref('int_ledger_invoice_lines_before_cycle') }}
    where line_type in ('credit', 'correction') and source_ref like 'ADJ:%'

)

select
    adjustments.account_id,
    case when adjustments.kind = 'credit' then 'credit' else 'correction' end as line_type,
    9 as line_group,
    'J:' || adjustments.adjustment_id as line_key,
    cast(null as {{ dbt.type_string() }}) as product_code,
    case when adjustments.kind = 'credit' then '고객 조정 (감액)' else '고객 조정 (추가 청구)' end
    || ' ' || adjustments.reason_code as description_ko,
    case when adjustments.kind = 'credit' then 'Adjustment (credit)' else 'Adjustment (debit)' end
    || ' ' || adjustments.reason_code as description_en,
    cast(null as bigint) as quantity,
    cast(null as decimal(18, 2)) as unit_price,
    case when adjustments.kind = 'credit' then -1 else 1 end
    * {{ to_minor('adjustments.amount', 'billed.minor_scale') }} as amount_minor,
    case when adjustments.taxable then 'standard' else 'none' end as tax_category,
    adjustments.approved_date as service_from,
    cast(null as date) as service_to,
    'ADJ:' || adjustments.adjustment_id as source_ref
from {{ ref('stg_crm__adjustments') }} as adjustments
inner join {{ ref('int_accounts_billed') }} as billed
    on adjustments.account_id = billed.account_id
cross join {{ ref('int_bill_cycle') }} as bill_cycle
where
    adjustments.approved_date < bill_cycle.period_end
    and 'ADJ:' || adjustments.adjustment_id not in (
        select billed_before.adjustment_id from billed_before
    )
    and 'ADJ:' || adjustments.adjustment_id not in (
        select credit_notes.source_ref
        from {{ ref('int_ledger_credit_notes_before_cycle') }} as credit_notes
        union all
        select credit_notes.source_ref from {{ ref('int_credit_note_lines') }} as credit_notes
    )

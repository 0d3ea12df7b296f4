{#- Support credits that name a closed invoice of the account become credit notes
    against that invoice, one per invoice (one line per adjustment), issued with the
    account's next bill run. A taxable credit reverses its VAT at the rate the
    original invoice was taxed at: floor(supply x rate). Credits naming no closed
    invoice are lines on the next invoice (int_adjustment_lines). -#}
with issued_before as (

    select source_ref
    from {{ ref('int_ledger_credit_notes_before_cycle') }}

),

credits as (

    select
        adjustments.adjustment_id,
        adjustments.account_id,
        adjustments.invoice_no,
        adjustments.reason_code,
        adjustments.taxable,
        {{ to_minor('adjustments.amount', 'billed.minor_scale') }} as supply_minor,
        billed.minor_factor,
        billed.tax_exempt,
        billed.currency,
        original.issue_date as original_issue_date
    from {{ ref('stg_crm__adjustments') }} as adjustments
    inner join {{ ref('int_accounts_billed') }} as billed
        on adjustments.account_id = billed.account_id
    inner join {{ ref('int_ledger_invoices_before_cycle') }} as original
        on
            adjustments.invoice_no = original.invoice_no
            and adjustments.account_id = original.account_id
    cross join {{ ref('int_bill_cycle') }} as bill_cycle
    where
        adjustments.kind = 'credit'
        and adjustments.approved_date < bill_cycle.period_end
        and 'ADJ:' || adjustments.adjustment_id not in (
            select issued_before.source_ref from issued_before
        )

)

select
    credits.adjustment_id,
    credits.account_id,
    credits.invoice_no,
    row_number() over (
        partition by credits.account_id, credits.invoice_no order by credits.adjustment_id
    ) as line_no,
    credits.reason_code,
    credits.supply_minor,
    case
        when not credits.taxable or credits.tax_exempt or rates.rate is null then 0
        else cast(floor(credits.supply_minor * rates.rate) as bigint)
    end as vat_minor,
    credits.minor_factor,
    credits.currency,
    'ADJ:' || credits.adjustment_id as source_ref
from credits
left join {{ ref('tax_rates') }} as rates
    on
        rates.tax_category = 'standard'
        and credits.original_issue_date >= rates.valid_from
        and (rates.valid_to is null or credits.original_issue_date < rates.valid_to)

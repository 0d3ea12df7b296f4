{#- VAT per invoice and tax category: floor(net taxable supply x rate), with the
    rate in effect on the issue date. Tax-exempt accounts carry none. -#}
with bases as (

    select
        account_id,
        tax_category,
        sum(amount_minor) as base_minor
    from {{ ref('int_invoice_lines_assembled') }}
    group by account_id, tax_category

)

select
    bases.account_id,
    bases.tax_category,
    bases.base_minor,
    rates.rate,
    rates.label_ko,
    rates.label_en,
    case
        when billed.tax_exempt or rates.rate is null then 0
        else cast(floor(bases.base_minor * rates.rate) as bigint)
    end as vat_minor
from bases
inner join {{ ref('int_accounts_billed') }} as billed
    on bases.account_id = billed.account_id
cross join {{ ref('int_bill_cycle') }} as bill_cycle
left join {{ ref('tax_rates') }} as rates
    on
        bases.tax_category = rates.tax_category
        and bill_cycle.issue_date >= rates.valid_from
        and (rates.valid_to is null or bill_cycle.issue_date < rates.valid_to)

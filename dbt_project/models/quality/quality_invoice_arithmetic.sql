{#- The invoice arithmetic gate's rows (expectations/invoice_arithmetic.py), one per
    draft invoice of the cycle: gaps in integer minor units that must all be zero,
    recomputed independently of the rating models. The invoice equals the sum of its
    lines; supply + VAT + rounding equals current charges; the VAT lines equal
    floor(base x rate) per tax category at the issue date's rate; amount due
    follows from the balances; no charge line is negative; the rounding truncates
    toward zero by less than one rounding step. -#}
with invoices as (
    select
        i.*,
        c.minor_scale,
        c.rounding_unit_minor,
        a.tax_exempt
    from {{ ref('invoices') }} as i
    inner join {{ ref('currencies') }} as c on i.currency = c.currency
    inner join {{ ref('dim_accounts') }} as a on i.account_id = a.account_id
    where i.cycle_date = {{ bill_cycle_date() }}
),

lines as (
    select * from {{ ref('invoice_lines') }}
    where cycle_date = {{ bill_cycle_date() }}
),

line_totals as (
    select
        invoice_no,
        sum(amount) as lines_total,
        sum(case when line_type = 'vat' then amount else 0 end) as vat_lines,
        count(*) filter (
            where line_type in ('recurring', 'one_time', 'usage') and amount < 0
        ) as negative_charge_lines
    from lines
    group by invoice_no
),

vat_expected as (
    select
        bases.invoice_no,
        sum(floor(bases.base_minor * coalesce(rates.rate, 0))) as vat_minor
    from (
        select
            l.invoice_no,
            l.tax_category,
            i.issue_date,
            sum(cast(l.amount * i.minor_scale as bigint)) as base_minor
        from lines as l
        inner join invoices as i on l.invoice_no = i.invoice_no
        where l.line_type not in ('vat', 'rounding') and not i.tax_exempt
        group by l.invoice_no, l.tax_category, i.issue_date
    ) as bases
    left join {{ ref('tax_rates') }} as rates
        on
            bases.tax_category = rates.tax_category
            and bases.issue_date >= rates.valid_from
            and (rates.valid_to is null or bases.issue_date < rates.valid_to)
    group by bases.invoice_no
)

select
    i.invoice_no,
    cast((i.current_charges - coalesce(t.lines_total, 0)) * i.minor_scale as bigint)
        as lines_gap,
    cast(
        (i.supply_amount + i.vat_amount + i.rounding_amount - i.current_charges)
        * i.minor_scale as bigint
    ) as components_gap,
    cast(coalesce(t.vat_lines, 0) * i.minor_scale as bigint)
    - cast(coalesce(v.vat_minor, 0) as bigint) as vat_gap,
    cast(
        (i.previous_balance - i.payments_and_credits + i.current_charges - i.amount_due)
        * i.minor_scale as bigint
    ) as amount_due_gap,
    coalesce(t.negative_charge_lines, 0) as negative_charge_lines,
    case
        when abs(i.rounding_amount) * i.minor_scale >= i.rounding_unit_minor then 1
        when i.rounding_amount * i.current_charges > 0 then 1  -- truncation is toward zero
        else 0
    end as rounding_out_of_step
from invoices as i
left join line_totals as t on i.invoice_no = t.invoice_no
left join vat_expected as v on i.invoice_no = v.invoice_no

{#- Double-entry journal lines of every closed event (export `journal_entries`):
    GL accounts from the product's revenue account or the GL mapping version in
    effect on the posting date; ids deterministic so that an ERP rejects a journal
    imported twice. -#}
with postings as (

    select * from {{ ref('int_journal_postings') }}

)

select
    postings.journal_id,
    cast(row_number() over (
        partition by postings.journal_id
        order by postings.event_line_no, postings.role
    ) as integer) as line_no,
    postings.posting_date,
    {{ fiscal_period('postings.posting_date') }} as fiscal_period,
    coalesce(
        case when postings.role = 'product_revenue' then postings.product_gl_account end,
        mapping.gl_account
    ) as gl_account,
    cast(case when postings.amount > 0 then postings.amount else 0 end as decimal(18, 2))
        as debit,
    cast(case when postings.amount < 0 then -postings.amount else 0 end as decimal(18, 2))
        as credit,
    postings.currency,
    postings.source_type,
    postings.source_id,
    postings.account_id,
    postings.memo,
    postings.cycle_date,
    postings.role,
    postings.product_code
from postings
left join {{ ref('gl_accounts') }} as mapping
    on
        mapping.role = case
            when postings.role = 'product_revenue' then 'revenue_other' else postings.role
        end
        and postings.posting_date >= mapping.valid_from
        and (mapping.valid_to is null or postings.posting_date < mapping.valid_to)
where postings.amount <> 0

{#- The opening balances (what an account owed the previous billing system at
    go-live; negative: a credit) this bill run takes in: of its billed accounts, as of
    the issue date or before, and not taken in by the close of an earlier cycle.
    Without a due date it was due on its as_of date; without a legacy reference it
    is referred to as OB-<account>. -#}
select
    opening.account_id,
    bill_cycle.cycle_date,
    opening.amount,
    opening.currency,
    opening.as_of,
    coalesce(opening.due_date, opening.as_of) as due_date,
    coalesce(opening.legacy_ref, 'OB-' || opening.account_id) as legacy_ref
from {{ ref('stg_cms__opening_balances') }} as opening
inner join {{ ref('int_accounts_billed') }} as billed
    on opening.account_id = billed.account_id
cross join {{ ref('int_bill_cycle') }} as bill_cycle
where
    opening.as_of <= bill_cycle.issue_date
    and opening.account_id not in (
        select taken.account_id
        from {{ source('ledger', 'opening_balances') }} as taken
        where taken.cycle_date < bill_cycle.cycle_date
    )

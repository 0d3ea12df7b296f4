{% test journals_balance(model) %}
{#- Journals whose debits and credits differ. -#}
select journal_id, sum(debit) as debits, sum(credit) as credits
from {{ model }}
group by journal_id
having sum(debit) <> sum(credit)
{% endtest %}

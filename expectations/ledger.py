"""The ledger gate: what the closes wrote is still whole.

`ledger_documents`, one row per numbered invoice and credit note: numbers unique
and gapless in each yearly series (INV-YYYY, CN-YYYY), and every closed invoice
still equal to the sum of its lines, its supply + VAT + rounding, and its amount
due to previous balance - payments and credits + current charges. Run after every
close, so a ledger edited by hand stops the journal, exports and statements.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.gate import Expectation, GateResult, run_suite

GAP_COLUMNS = ("numbering_gap", "lines_gap", "components_gap", "amount_due_gap")

DOCUMENTS_SQL = """
with documents as (
    select invoice_no as document_no from ledger.invoices
    union all
    select distinct credit_note_no from ledger.credit_notes
),
numbered as (
    select
        document_no,
        cast(split_part(document_no, '-', 3) as bigint) - row_number() over (
            partition by split_part(document_no, '-', 1), split_part(document_no, '-', 2)
            order by document_no
        ) as numbering_gap
    from documents
),
line_totals as (
    select invoice_no, sum(amount) as lines_total from ledger.invoice_lines group by invoice_no
)
select
    numbered.document_no,
    numbered.numbering_gap,
    coalesce(cast((i.current_charges - coalesce(t.lines_total, 0)) * c.minor_scale as bigint), 0)
        as lines_gap,
    coalesce(cast((i.supply_amount + i.vat_amount + i.rounding_amount - i.current_charges)
        * c.minor_scale as bigint), 0) as components_gap,
    coalesce(cast((i.previous_balance - i.payments_and_credits + i.current_charges
        - i.amount_due) * c.minor_scale as bigint), 0) as amount_due_gap
from numbered
left join ledger.invoices as i on numbered.document_no = i.invoice_no
left join settings.currencies as c on i.currency = c.currency
left join line_totals as t on i.invoice_no = t.invoice_no
order by numbered.document_no
"""


def validate_ledger(con: duckdb.DuckDBPyConnection, docs_dir: Path | None = None) -> GateResult:
    """Check every numbered document of the ledger behind `con`."""
    expectations = [Expectation.unique(column="document_no")] + [
        Expectation.between(column=column, min_value=0, max_value=0) for column in GAP_COLUMNS
    ]
    return run_suite(
        "ledger_documents",
        con,
        DOCUMENTS_SQL,
        {},
        expectations,
        id_columns=("document_no",),
        docs_dir=docs_dir,
    )

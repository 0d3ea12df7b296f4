"""Shadow billing's candidate VAT rates are checked before anything is built, and
its chart's ranges hold every affected account once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from orchestration.shadow import BARS, Candidate, check, histograms, read_tax_rates

HEADER = "tax_category,rate,valid_from,valid_to,label_ko,label_en\n"


def _rates(tmp_path, body: str):
    path = tmp_path / "rates.csv"
    path.write_text(HEADER + body, "utf-8")
    return path


def test_vat_rates_are_read_typed(tmp_path):
    path = _rates(
        tmp_path,
        "standard,0.10,2000-01-01,2027-01-01,부가가치세,VAT\n"
        "standard,0.12,2027-01-01,,부가가치세,VAT\n",
    )
    assert read_tax_rates(path) == [
        ("standard", Decimal("0.10"), date(2000, 1, 1), date(2027, 1, 1), "부가가치세", "VAT"),
        ("standard", Decimal("0.12"), date(2027, 1, 1), None, "부가가치세", "VAT"),
    ]


@pytest.mark.parametrize(
    ("body", "wrong"),
    [
        ("standard,ten,2000-01-01,,a,b\n", "row 1: "),
        ("zero,0,2000-01-01,,a,b\nstandard,1.5,2000-01-01,,a,b\n", "row 2: rate 1.5 is not"),
        ("standard,0.1,2027-01-01,2026-01-01,a,b\n", "row 1: valid_to 2026-01-01 is not after"),
        ("standard,0.1,2000-01-01,,a,b\nstandard,0.2,2000-01-01,,a,b\n", "row 2: a second rate"),
        (",0.1,2000-01-01,,a,b\n", "row 1: tax_category is empty"),
    ],
)
def test_a_bad_vat_rate_names_its_row(tmp_path, body, wrong):
    path = _rates(tmp_path, body)
    with pytest.raises(ValueError, match=f"^{path} {wrong}"):
        check(Candidate(tax_rates=path))


def test_a_candidate_needs_a_change_and_its_files(tmp_path):
    with pytest.raises(ValueError, match="needs a change"):
        check(Candidate())
    with pytest.raises(ValueError, match="no such file"):
        check(Candidate(catalog=tmp_path / "missing.csv"))
    (tmp_path / "columns.csv").write_text("tax_category,rate\n", "utf-8")
    with pytest.raises(ValueError, match="the columns must be"):
        check(Candidate(tax_rates=tmp_path / "columns.csv"))


def test_the_chart_counts_each_account_once_in_its_range():
    """-100 .. 300 in 20 ranges of 20: -100 in the first, 0 in the 6th (0 to 20),
    110 in the 11th (100 to 120), 300 (the top) in the last."""
    changed = [
        {"currency": "KRW", "difference": Decimal(v)} for v in ("-100", "0", "110", "300")
    ] + [{"currency": "USD", "difference": Decimal("1.50")}]
    charts = histograms(changed)
    krw = charts["KRW"]
    assert len(krw) == BARS and sum(count for *_, count in krw) == 4
    assert krw[0] == (Decimal(-100), Decimal(-80), 1)
    assert [i for i, (*_, count) in enumerate(krw) if count] == [0, 5, 10, 19]
    assert charts["USD"] == [(Decimal("1.50"), Decimal("2.50"), 1)]

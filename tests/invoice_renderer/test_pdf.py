"""The printed statement: a PDF whose Hangul is really drawn, the same bytes every time.

The page is rasterised with poppler (pdftoppm) and the word 청구서 of the title is
cut out of it by the box pdftotext reports: each of its three syllables must put
ink on the page, and no two may look alike, as the empty boxes of a missing font
would.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from invoice_renderer.pdf import MissingFont, to_pdf
from invoice_renderer.statements import render_typst
from tests.invoice_renderer.examples import LINES, OPERATOR, statement

DPI = 150


def _pdf(tmp_path: Path, **options) -> Path:
    path = tmp_path / "statement.pdf"
    path.write_bytes(to_pdf(render_typst(statement(**options), OPERATOR)))
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _gray_page(pdf: Path) -> tuple[int, int, bytes]:
    """Page 1 as 8-bit gray pixels: width, height, rows top to bottom."""
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), "-f", "1", "-l", "1", str(pdf), str(pdf)],
        check=True,
    )
    data = next(pdf.parent.glob(pdf.name + "*.pgm")).read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert (magic, maxval) == (b"P5", b"255")
    return int(width), int(height), pixels


def _word_box(pdf: Path, word: str) -> tuple[float, float, float, float]:
    """The first box (points) pdftotext finds for `word` on page 1."""
    html = _run("pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-")
    for match in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    ):
        if match.group(5) == word:
            return tuple(float(v) for v in match.groups()[:4])
    raise AssertionError(f"{word} is not in the PDF's text")


def test_hangul_glyphs_are_drawn_not_blank_or_boxes(tmp_path):
    pdf = _pdf(tmp_path)
    width, _, pixels = _gray_page(pdf)
    x0, y0, x1, y1 = (round(v * DPI / 72) for v in _word_box(pdf, "청구서"))
    cell = (x1 - x0) // 3
    syllables = [
        [pixels[y * width + x] < 128 for y in range(y0, y1) for x in range(left, left + cell)]
        for left in (x0, x0 + cell, x0 + 2 * cell)
    ]
    for ink in syllables:
        assert 0.05 < sum(ink) / len(ink) < 0.6  # drawn, not blank, not a filled block
    for a, b in ((0, 1), (0, 2), (1, 2)):
        differing = sum(p != q for p, q in zip(syllables[a], syllables[b], strict=True))
        assert differing / len(syllables[a]) > 0.05, "two syllables look alike: boxes?"


def test_the_pdf_holds_every_line_and_the_totals_as_text(tmp_path):
    pdf = _pdf(tmp_path)
    text = " ".join(_run("pdftotext", "-layout", str(pdf), "-").split())
    for expected in ("요금 청구서", "납부하실 금액", "₩60,490", "미납 요금이 있습니다", "₩14,520"):
        assert expected in text, expected
    for _, _, _, ko, _, amount, _, _ in LINES:
        assert ko in text, ko
        assert f"₩{int(amount):,}".replace("₩-", "-₩") in text, amount
    assert "**** **** **** 1111" in text
    assert "NanumGothic" in _run("pdffonts", str(pdf))


def test_the_english_pdf_is_in_english(tmp_path):
    text = " ".join(_run("pdftotext", str(_pdf(tmp_path, language="en")), "-").split())
    assert "Your bill" in text and "Amount due" in text and "요금 청구서" not in text


def test_feed_text_cannot_inject_typst_markup(tmp_path):
    name = '#panic("x") *bold* ]) #{ "\\'
    text = _run("pdftotext", str(_pdf(tmp_path, name=name)), "-")
    assert name in text


def test_same_invoice_same_bytes_dated_on_the_issue_date(tmp_path):
    markup = render_typst(statement(), OPERATOR)
    assert to_pdf(markup) == to_pdf(markup)
    info = _run("pdfinfo", str(_pdf(tmp_path)))
    assert re.search(r"CreationDate:\s+Sun Nov\s+1 00:00:00 2026", info), info


def test_a_missing_hangul_font_stops_the_render(tmp_path, monkeypatch):
    monkeypatch.setenv("CABLEBILL_FONT_PATH", str(tmp_path))
    with pytest.raises(MissingFont, match=r"nanumgothic.*fonts-nanum"):
        to_pdf(render_typst(statement(), OPERATOR))

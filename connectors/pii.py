"""Card numbers (PAN) and Korean resident registration numbers (RRN) in free text.

A PAN is a Luhn-valid run of 13-19 digits, optionally split by spaces or dashes.
An RRN is 6 + 7 digits (birth date, then a serial whose last digit is a checksum).
Digits of any script count (full-width digits are digits). Found values are never
returned in clear: callers get the masked text only.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum import luhn
from stdnum.kr import rrn

# A candidate PAN: 13-19 digits with optional single space/dash separators.
_PAN_CANDIDATE = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
_RRN_CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ -]?(\d{7})(?!\d)")

# A cheap prefilter DuckDB can run over millions of rows: a run of 13 digits of any
# script (separators allowed), the shortest PAN and as long as an RRN. Rows that
# match are checked exactly by `find_pii`.
SQL_CANDIDATE_PATTERN = r"\p{Nd}(?:[ -]?\p{Nd}){12}"


def _ascii(digits: str) -> str:
    """The decimal digits of `digits`, in any script, as 0-9; the rest left out."""
    return "".join(str(unicodedata.decimal(ch)) for ch in digits if ch.isdecimal())


def _is_pan(text: str) -> bool:
    digits = _ascii(text)
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits)


def _is_rrn(front: str, back: str) -> bool:
    return rrn.is_valid(_ascii(front) + _ascii(back))


def find_pii(text: str) -> str | None:
    """The kind of PII in `text` ('card_number' or 'resident_registration_number'), or None."""
    for m in _RRN_CANDIDATE.finditer(text):
        if _is_rrn(m.group(1), m.group(2)):
            return "resident_registration_number"
    for m in _PAN_CANDIDATE.finditer(text):
        if _is_pan(m.group(0)):
            return "card_number"
    return None


def mask(text: str) -> str:
    """`text` with every PAN and RRN candidate masked (PAN keeps its last four digits)."""

    def _mask_rrn(m: re.Match[str]) -> str:
        return m.group(1) + "-*******" if _is_rrn(m.group(1), m.group(2)) else m.group(0)

    def _mask_pan(m: re.Match[str]) -> str:
        run = m.group(0)
        digits = [ch for ch in run if ch.isdigit()]
        keep = len(digits) - 4
        out, seen = [], 0
        for ch in run:
            if ch.isdigit():
                out.append(ch if seen >= keep else "*")
                seen += 1
            else:
                out.append(ch)
        return "".join(out)

    return _PAN_CANDIDATE.sub(_mask_pan, _RRN_CANDIDATE.sub(_mask_rrn, text))

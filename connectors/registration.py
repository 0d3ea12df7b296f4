"""Korean business registration numbers (사업자등록번호).

python-stdnum's `kr.brn` checks the length and the number's components but not
its check digit, so the National Tax Service check digit is added here.
"""

from __future__ import annotations

from stdnum.kr import brn

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def check_digit(first_nine: str) -> int:
    digits = [int(d) for d in first_nine]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10


def is_valid_brn(number: str) -> bool:
    """True for a well-formed 10-digit number whose last digit is its check digit."""
    if not brn.is_valid(number):
        return False
    compact = brn.compact(number)
    return check_digit(compact[:9]) == int(compact[9])

"""Card and resident registration numbers are found by their checksums, and masked."""

import pytest

from connectors.pii import find_pii, mask


@pytest.mark.parametrize(
    "text",
    ["4111111111111111", "pay 4111 1111 1111 1111 now", "5500-0000-0000-0004", "378282246310005"],
)
def test_card_numbers_are_found(text):
    assert find_pii(text) == "card_number"


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111112",  # fails Luhn
        "56200000000001",  # 14-digit virtual account number, not Luhn-valid
        "411111111111111111111",  # 21 digits: longer than any card number
        "A00000123-01",
        "tok_ABCDEF234567",
    ],
)
def test_other_numbers_are_not(text):
    assert find_pii(text) is None


def test_resident_registration_numbers_are_found():
    assert find_pii("900101-1234568") == "resident_registration_number"
    assert find_pii("9001011234568") == "resident_registration_number"
    assert find_pii("900101-1234567") is None  # wrong check digit


def test_masking_keeps_only_the_last_four_card_digits():
    assert mask("카드 4111-1111-1111-1111 결제") == "카드 ****-****-****-1111 결제"
    assert mask("4111111111111111") == "************1111"
    assert mask("주민번호 900101-1234568") == "주민번호 900101-*******"
    assert mask("no numbers here") == "no numbers here"


def test_business_registration_numbers_need_their_check_digit():
    from connectors.registration import is_valid_brn

    assert is_valid_brn("1248100998")  # a published company number, hand-checked
    assert is_valid_brn("124-81-00998")
    assert not is_valid_brn("1248100997")
    assert not is_valid_brn("0008100998")  # no tax office 000

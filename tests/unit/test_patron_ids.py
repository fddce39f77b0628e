"""Patron IDs: ten digits with a modulus 10 weight 2-1 (Luhn) check digit; LINE user IDs."""

from __future__ import annotations

import pytest

from library_service.line.ids import is_line_user_id
from library_service.patrons import is_valid_patron_id, new_patron_id
from library_service.patrons.ids import ISSUED_SERIALS, random_serial

# Worked by hand: 9·2→18→9, 8, 7·2→14→5, 6, 5·2→10→1, 4, 3·2=6, 2, 1·2=2; sum 43 → check 7.
KNOWN_GOOD = "1234567897"


def test_known_ids_and_their_check_digits():
    assert new_patron_id(123456789) == KNOWN_GOOD
    assert new_patron_id(1) == "0000000018"  # 1·2 = 2 → 8
    assert new_patron_id(0) == "0000000000"
    assert is_valid_patron_id(KNOWN_GOOD)


def test_a_tampered_id_is_refused():
    assert not is_valid_patron_id("1234567891")  # wrong check digit
    assert not is_valid_patron_id("1234576897")  # two digits swapped


def test_every_single_mistyped_digit_is_caught():
    for position in range(len(KNOWN_GOOD)):
        for digit in "0123456789":
            if digit == KNOWN_GOOD[position]:
                continue
            typo = KNOWN_GOOD[:position] + digit + KNOWN_GOOD[position + 1 :]
            assert not is_valid_patron_id(typo), typo


def test_swapped_neighbours_are_caught_except_09_and_90():
    for serial in (123456789, 907_182_736, 555_012_349):
        good = new_patron_id(serial)
        for i in range(len(good) - 1):
            swapped = good[:i] + good[i + 1] + good[i] + good[i + 2 :]
            if swapped == good or {good[i], good[i + 1]} == {"0", "9"}:
                continue
            assert not is_valid_patron_id(swapped), swapped


@pytest.mark.parametrize(
    "text",
    [
        "",
        "123456789",
        "12345678970",
        "12345678a7",
        " 1234567897",
        "１２３４５６７８９７",
        None,
        1234567897,
    ],
)
def test_anything_but_ten_ascii_digits_is_not_an_id(text):
    assert not is_valid_patron_id(text)


@pytest.mark.parametrize("serial", [-1, 10**9])
def test_serials_have_at_most_nine_digits(serial):
    with pytest.raises(ValueError):
        new_patron_id(serial)


def test_issued_serials_make_valid_ids_without_a_leading_zero():
    for _ in range(200):
        serial = random_serial()
        assert serial in ISSUED_SERIALS
        patron_id = new_patron_id(serial)
        assert is_valid_patron_id(patron_id) and patron_id[0] != "0"


def test_line_user_ids():
    assert is_line_user_id("U" + "0123456789abcdef" * 2)
    for text in (
        "U" + "0" * 31,
        "U" + "0" * 33,
        "u" + "0" * 32,
        "U" + "A" * 32,
        "C" + "0" * 32,
        None,
    ):
        assert not is_line_user_id(text)

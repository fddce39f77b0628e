"""Initial password, the policy for new ones, and salted scrypt storage."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import pytest

from library_service.patrons import (
    PasswordRejected,
    check_new_password,
    hash_password,
    initial_password,
    verify_password,
)

BORN = date(1992, 5, 16)


@pytest.mark.parametrize(
    ("born", "password"),
    [(BORN, "920516"), (date(2001, 1, 2), "010102"), (date(1900, 12, 31), "001231")],
)
def test_initial_password_is_the_birth_date_as_yymmdd(born, password):
    assert initial_password(born) == password


def test_a_hash_verifies_its_password_and_no_other():
    stored = hash_password("920516")
    assert verify_password("920516", stored)
    assert not verify_password("920517", stored)
    assert not verify_password("", stored)


def test_each_hash_has_its_own_salt_and_holds_no_plaintext():
    first, second = hash_password("abc123"), hash_password("abc123")
    assert first != second
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert "abc123" not in first and base64.b64encode(b"abc123").decode() not in first


def test_verification_uses_the_parameters_stored_with_the_hash():
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(b"abc123", salt=salt, n=2**10, r=8, p=1, dklen=32)
    stored = f"scrypt$1024$8$1${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"
    assert verify_password("abc123", stored)
    assert not verify_password("abc124", stored)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "920516",
        "bcrypt$1$2$3$AAAA$AAAA",
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$3$8$1$AA$AA",
    ],
)
def test_a_stored_value_in_no_known_format_matches_nothing(stored):
    assert not verify_password("920516", stored)


def test_a_tampered_hash_fails():
    scheme, n, r, p, salt, key = hash_password("abc123").split("$")
    flipped = bytearray(base64.b64decode(key))
    flipped[0] ^= 1
    tampered = "$".join((scheme, n, r, p, salt, base64.b64encode(bytes(flipped)).decode()))
    assert not verify_password("abc123", tampered)


@pytest.mark.parametrize("password", ["abc123", "123456", "abcdef", "A1b2C3d4E5f6", "Zz9999"])
def test_new_passwords_of_6_to_12_letters_and_digits_are_accepted(password):
    check_new_password(password, BORN)


@pytest.mark.parametrize(
    "password",
    [
        "",
        "abc12",
        "abcdefghij123",
        "abc 123",
        "abc-123",
        "ａｂｃ１２３",
        "パスワード123",
        "abc123\n",
    ],
)
def test_other_passwords_are_refused_with_a_message_for_patrons(password):
    with pytest.raises(PasswordRejected) as refused:
        check_new_password(password, BORN)
    assert str(refused.value) == "パスワードは6桁以上12桁以下の英数字で入力してください。"
    assert isinstance(refused.value, ValueError)


def test_the_initial_password_cannot_be_the_new_one():
    with pytest.raises(PasswordRejected, match="初期パスワード"):
        check_new_password("920516", BORN)
    check_new_password("920516", date(1992, 5, 17))  # someone else's birthday is fine

"""Patron IDs (利用者コード): ten digits, a nine-digit serial and one check digit.

The card prints the ID as an NW-7 (Codabar) barcode between start/stop characters (A–D); the
ID itself is the digits only. The check digit is modulus 10 with weights 2-1 from the right in
the Luhn manner: the serial's last digit is doubled, the next one taken once, and so on; a
doubled digit above 9 counts as the sum of its two digits; the check digit brings the total to
a multiple of 10. It catches every single mistyped digit and every swap of two neighbours
except 09 ↔ 90, so most typing and scanning mistakes are refused before any lookup.
"""

from __future__ import annotations

import secrets

SERIAL_DIGITS = 9
PATRON_ID_LENGTH = SERIAL_DIGITS + 1
# Serials drawn for new patrons have no leading zero: a spreadsheet or a numeric form field
# that drops leading zeros cannot turn a card number into another one.
ISSUED_SERIALS = range(10 ** (SERIAL_DIGITS - 1), 10**SERIAL_DIGITS)


def check_digit(serial_digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(serial_digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def new_patron_id(serial: int) -> str:
    """The ID for a serial in 0 … 999 999 999: the serial zero-padded, then its check digit."""
    if not 0 <= serial < 10**SERIAL_DIGITS:
        raise ValueError(f"a patron serial has at most {SERIAL_DIGITS} digits")
    digits = f"{serial:0{SERIAL_DIGITS}d}"
    return digits + check_digit(digits)


def is_valid_patron_id(text: object) -> bool:
    """Ten ASCII digits whose last one is the check digit of the others."""
    return (
        isinstance(text, str)
        and len(text) == PATRON_ID_LENGTH
        and text.isascii()
        and text.isdigit()
        and check_digit(text[:-1]) == text[-1]
    )


def random_serial() -> int:
    """A serial for a new patron, unpredictable so card numbers cannot be enumerated."""
    return ISSUED_SERIALS.start + secrets.randbelow(len(ISSUED_SERIALS))

"""Patron passwords: the initial one, the policy for new ones, and how they are stored.

Only a salted scrypt hash is stored, as `scrypt$n$r$p$salt$hash` (salt and hash in base64), so
the cost parameters can be raised later without making old hashes unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import date

SCHEME = "scrypt"
# n=2**14, r=8, p=1: 16 MiB and some tens of milliseconds per hash, the parameters commonly
# recommended for interactive logins; a Lambda function of 512 MB has room for it.
COST_N, BLOCK_SIZE_R, PARALLELISM_P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
_NEW_PASSWORD = re.compile(r"[A-Za-z0-9]{6,12}")


class PasswordRejected(ValueError):
    """A new password the policy refuses; the message is for the patron."""


def initial_password(birth_date: date) -> str:
    """Date of birth as YYMMDD, the user guide's rule: born 1992-05-16 → 920516."""
    return f"{birth_date.year % 100:02d}{birth_date.month:02d}{birth_date.day:02d}"


def check_new_password(password: str, birth_date: date) -> None:
    """6 to 12 ASCII letters and digits, and not the initial password everyone can work out."""
    if not _NEW_PASSWORD.fullmatch(password):
        raise PasswordRejected("パスワードは6桁以上12桁以下の英数字で入力してください。")
    if password == initial_password(birth_date):
        raise PasswordRejected(
            "生年月日6桁の初期パスワードは使えません。別のパスワードを入力してください。"
        )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, COST_N, BLOCK_SIZE_R, PARALLELISM_P)
    return "$".join(
        (SCHEME, str(COST_N), str(BLOCK_SIZE_R), str(PARALLELISM_P), _b64(salt), _b64(key))
    )


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches; a stored value in no known format matches nothing."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(key, validate=True)
        actual = _derive(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # scrypt needs about 128·r·(n + p) bytes; twice that leaves OpenSSL's bookkeeping room.
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * r * (n + p), dklen=KEY_BYTES
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")

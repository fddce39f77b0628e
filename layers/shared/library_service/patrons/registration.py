"""What a new patron record must satisfy, and how one is made."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

from .model import IdentityEvidence, Patron, PatronStatus, RegisteredVia
from .passwords import hash_password, initial_password

# Dates of birth are judged by the calendar in Japan, where the library is, not by UTC.
JAPAN = timezone(timedelta(hours=9), "JST")
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
NAME_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 200
_PHONE = re.compile(r"\+?[0-9]+(-[0-9]+)*")
_PHONE_DIGITS = range(10, 16)  # Japanese numbers have 10 or 11 digits; E.164 allows 15
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
EMAIL_MAX_LENGTH = 254


class InvalidPatronDetails(ValueError):
    """A name, date of birth or contact that cannot be registered; the message is for people."""


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidPatronDetails("氏名を入力してください。")
    if len(name) > NAME_MAX_LENGTH or any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidPatronDetails("氏名の形式が正しくありません。")
    return name


def check_address(address: str | None) -> str | None:
    if address is None:
        return None
    address = address.strip()
    if (
        not address
        or len(address) > ADDRESS_MAX_LENGTH
        or any(unicodedata.category(c) == "Cc" for c in address)
    ):
        raise InvalidPatronDetails("住所の形式が正しくありません。")
    return address


def check_birth_date(birth_date: date, today: date) -> date:
    if not EARLIEST_BIRTH_DATE <= birth_date <= today:
        raise InvalidPatronDetails("生年月日が正しくありません。")
    return birth_date


def check_contact(contact: str) -> str:
    """A phone number (digits, hyphens, an optional leading +) or an e-mail address.

    NFKC first: phones in Japan often type full-width digits and hyphens (０３－…).
    """
    contact = unicodedata.normalize("NFKC", contact).strip()
    if _PHONE.fullmatch(contact):
        if sum(c.isdigit() for c in contact) in _PHONE_DIGITS:
            return contact
    elif _EMAIL.fullmatch(contact) and len(contact) <= EMAIL_MAX_LENGTH:
        return contact
    raise InvalidPatronDetails("連絡先には電話番号かメールアドレスを入力してください。")


def new_patron(
    patron_id: str,
    name: str,
    birth_date: date,
    contact: str,
    *,
    status: PatronStatus | str,
    via: RegisteredVia | str,
    registered_at: datetime,
    address: str | None = None,
    category: str | None = None,
    notice_titles: bool | None = None,
    identity: IdentityEvidence | None = None,
    line_user_id: str | None = None,
) -> Patron:
    """A checked patron record whose password is the initial one."""
    return Patron(
        patron_id=patron_id,
        name=check_name(name),
        birth_date=check_birth_date(birth_date, registered_at.astimezone(JAPAN).date()),
        contact=check_contact(contact),
        status=PatronStatus(status),
        line_user_id=line_user_id,
        password_hash=hash_password(initial_password(birth_date)),
        password_is_initial=True,
        registered_at=registered_at,
        registered_via=RegisteredVia(via),
        address=check_address(address),
        category=category,
        notice_titles=notice_titles,
        identity=identity,
    )

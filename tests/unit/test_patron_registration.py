"""What a new patron record must satisfy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from library_service.patrons import (
    InvalidPatronDetails,
    PatronStatus,
    RegisteredVia,
    new_patron,
    verify_password,
)
from library_service.patrons.registration import check_contact

NOW = datetime(2024, 5, 15, 15, 0, tzinfo=UTC)  # 2024-05-16 00:00 in Japan


def make(**details):
    values = {"name": "渋谷 花子", "birth_date": date(1992, 5, 16), "contact": "03-1234-5678"}
    values.update(details)
    return new_patron(
        "1234567897",
        values["name"],
        values["birth_date"],
        values["contact"],
        status=values.get("status", "provisional"),
        via=values.get("via", "counter"),
        registered_at=NOW,
    )


def test_a_new_patron_has_the_initial_password_and_no_link():
    patron = make(name="  渋谷 花子 ", status="active", via="line")
    assert patron.name == "渋谷 花子"
    assert patron.status is PatronStatus.ACTIVE and patron.registered_via is RegisteredVia.LINE
    assert patron.line_user_id is None and patron.password_is_initial
    assert verify_password("920516", patron.password_hash)
    assert patron.registered_at == NOW


def test_a_patron_shows_no_personal_data_in_logs():
    text = repr(make(contact="hanako@example.jp"))
    for secret in ("渋谷", "1992", "hanako", "scrypt", "1234567897"):
        assert secret not in text
    assert text.startswith("Patron(12345…")


def test_birth_dates_are_judged_by_the_calendar_in_japan():
    assert make(birth_date=date(2024, 5, 16)).birth_date == date(2024, 5, 16)  # born today
    for born in (date(2024, 5, 17), date(1899, 12, 31)):
        with pytest.raises(InvalidPatronDetails, match="生年月日"):
            make(birth_date=born)


@pytest.mark.parametrize("name", ["", "   ", "渋谷\n花子", "名" * 101])
def test_names_must_be_given_on_one_line(name):
    with pytest.raises(InvalidPatronDetails, match="氏名"):
        make(name=name)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("09012345678", "09012345678"),
        ("+81-90-1234-5678", "+81-90-1234-5678"),
        ("０３－１２３４－５６７８", "03-1234-5678"),
        (" hanako@example.jp ", "hanako@example.jp"),
        ("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "hanako@example.jp"),
    ],
)
def test_contacts_are_phone_numbers_or_email_addresses(typed, stored):
    assert check_contact(typed) == stored


@pytest.mark.parametrize(
    "contact",
    [
        "",
        "12345",
        "03-1234-5678-9012-345",
        "03 1234 5678",
        "-03-1234",
        "hanako@",
        "hanako@example",
        "電話",
    ],
)
def test_other_contacts_are_refused(contact):
    with pytest.raises(InvalidPatronDetails, match="連絡先"):
        make(contact=contact)


@pytest.mark.parametrize("details", [{"status": "expired"}, {"via": "web"}])
def test_status_and_channel_are_known_values(details):
    with pytest.raises(ValueError):
        make(**details)

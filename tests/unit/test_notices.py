"""The notices (a hold ready, its pickup deadline tomorrow, a loan due tomorrow): their wording,
the title privacy setting, LINE's limits, and the service's decisions (push once, record who
could not be told), with in-memory adapters."""

from __future__ import annotations

import json
from datetime import date

import pytest

from devstack.template import load_template
from library_service.catalogue.libraries import default_libraries
from library_service.config import Settings
from library_service.line.limits import MAX_ALT_TEXT, check_messages
from library_service.line.messenger import LineApiError, retry_key_for
from library_service.notices.bubble import deadline_text, tomorrow_text
from library_service.notices.due_reminder import due_reminder_message
from library_service.notices.events import HoldReady, InvalidEvent, LoanDue, PickupReminder
from library_service.notices.hold_ready import hold_ready_message
from library_service.notices.log import NoticeStatus
from library_service.notices.pickup_reminder import pickup_reminder_message
from library_service.notices.service import NoticeService
from tests.support.hold_events import TITLE, hold_ready_detail, loan_due_detail
from tests.support.memory_patrons import MemoryPatrons

LINE_USER = "U" + "d" * 32


def notice(**overrides) -> HoldReady:
    return HoldReady.from_detail(hold_ready_detail("1000000017", hold_id="h-1", **overrides))


def pickup_reminder(**overrides) -> PickupReminder:
    detail = hold_ready_detail("1000000017", hold_id="h-1", pickupDeadline="2026-12-09")
    return PickupReminder.from_detail({**detail, **overrides})


def loan_due(**overrides) -> LoanDue:
    return LoanDue.from_detail(loan_due_detail("1000000017", barcode="00077300", **overrides))


def texts_of(message: dict) -> list[str]:
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message["contents"])
    return found


# -- the message -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "deadline, expected",
    [
        (date(2026, 12, 11), "12月11日（金）まで"),
        (date(2027, 1, 4), "1月4日（月）まで"),
        (date(2026, 12, 13), "12月13日（日）まで"),
    ],
)
def test_the_deadline_is_month_day_and_weekday(deadline, expected):
    assert deadline_text(deadline) == expected


def test_by_default_the_notice_names_no_title_not_even_in_the_alt_text():
    message = hold_ready_message(notice(), "中央図書館", shows_title=False)
    check_messages([message])
    assert TITLE not in json.dumps(message, ensure_ascii=False)
    assert message["altText"].startswith("ご予約の本が貸出可能になりました。")
    assert "中央図書館" in message["altText"] and "12月11日（金）まで" in message["altText"]
    body = texts_of(message)
    assert "ご予約の本が貸出可能になりました。" in body
    assert "受取場所：中央図書館" in body
    assert "受取期限：12月11日（金）まで" in body
    assert any("ご指定の図書館にご来館ください" in line for line in body)


def test_when_the_library_allows_it_the_title_is_in_the_bubble_and_the_alt_text():
    message = hold_ready_message(notice(), "中央図書館", shows_title=True)
    check_messages([message])
    assert message["altText"].startswith("ご予約の「こころ」が貸出可能になりました。")
    assert "ご予約の「こころ」が貸出可能になりました。" in texts_of(message)


def test_a_notice_without_a_title_says_the_book_even_when_titles_are_shown():
    message = hold_ready_message(notice(title=""), "中央図書館", shows_title=True)
    assert message["altText"].startswith("ご予約の本が")


def test_a_very_long_title_still_fits_line_limits():
    long_title = "吾輩は猫である" * 400  # 2,800 characters
    message = hold_ready_message(notice(title=long_title), "中央図書館", shows_title=True)
    check_messages([message])
    assert len(message["altText"]) <= MAX_ALT_TEXT
    assert "…" in message["altText"]


def test_the_button_asks_for_the_hold_list_inside_the_chat():
    message = hold_ready_message(notice(), "中央図書館", shows_title=False)
    (button,) = message["contents"]["footer"]["contents"]
    assert button["action"] == {"type": "message", "label": "予約状況を確認", "text": "予約状況"}


# -- the reminders' messages ------------------------------------------------------------------
def test_tomorrow_is_said_with_the_date():
    assert tomorrow_text(date(2026, 12, 9)) == "明日（12月9日（水））"


def test_the_pickup_reminder_names_tomorrow_s_deadline_and_the_library_but_no_title():
    message = pickup_reminder_message(pickup_reminder(), "中央図書館", shows_title=False)
    check_messages([message])
    assert TITLE not in json.dumps(message, ensure_ascii=False)
    assert message["altText"] == (
        "ご予約の本は、明日（12月9日（水））が受取期限です。中央図書館にご来館ください。"
    )
    body = texts_of(message)
    assert body[0] == "受取期限のお知らせ"
    assert "ご予約の本は、明日（12月9日（水））が受取期限です。" in body
    assert "中央図書館にご来館ください。" in body
    assert any("予約は取り消し" in line for line in body)


def test_the_pickup_reminder_s_button_asks_for_the_hold_list_inside_the_chat():
    message = pickup_reminder_message(pickup_reminder(), "中央図書館", shows_title=False)
    (button,) = message["contents"]["footer"]["contents"]
    assert button["action"] == {"type": "message", "label": "予約状況を確認", "text": "予約状況"}


def test_the_due_reminder_names_tomorrow_s_due_date_and_renewal_but_no_title():
    message = due_reminder_message(loan_due(), shows_title=False)
    check_messages([message])
    text = json.dumps(message, ensure_ascii=False)
    assert TITLE not in text and "00077300" not in text
    assert message["altText"] == "貸出中の本の返却期限は明日（12月15日（火））です。"
    header, due, renewal = texts_of(message)
    assert header == "返却期限のお知らせ"
    assert due == "貸出中の本の返却期限は明日（12月15日（火））です。"
    assert "マイページ" in renewal and "延長できる場合があります" in renewal
    assert "footer" not in message["contents"]  # nothing to tap: renewal is on My Page


@pytest.mark.parametrize(
    "build, expected",
    [
        (
            lambda shows: pickup_reminder_message(pickup_reminder(), "中央図書館", shows),
            "ご予約の「こころ」は、明日（12月9日（水））が受取期限です。",
        ),
        (
            lambda shows: due_reminder_message(loan_due(), shows),
            "貸出中の「こころ」の返却期限は明日（12月15日（火））です。",
        ),
    ],
    ids=["pickup", "due"],
)
def test_when_the_library_allows_it_reminders_name_the_title_in_bubble_and_alt_text(
    build, expected
):
    message = build(True)
    check_messages([message])
    assert message["altText"].startswith(expected)
    assert expected in texts_of(message)


@pytest.mark.parametrize(
    "build",
    [
        lambda title: pickup_reminder_message(pickup_reminder(title=title), "中央図書館", True),
        lambda title: due_reminder_message(loan_due(title=title), True),
    ],
    ids=["pickup", "due"],
)
def test_reminders_with_a_very_long_title_still_fit_line_limits(build):
    message = build("吾輩は猫である" * 400)
    check_messages([message])
    assert len(message["altText"]) <= MAX_ALT_TEXT
    assert "…" in message["altText"]


@pytest.mark.parametrize(
    "build",
    [
        lambda: pickup_reminder_message(pickup_reminder(title=" "), "中央図書館", True),
        lambda: due_reminder_message(loan_due(title=None), True),
    ],
    ids=["pickup", "due"],
)
def test_a_reminder_without_a_title_says_the_book_even_when_titles_are_shown(build):
    assert "の本" in build()["altText"]


# -- the event -------------------------------------------------------------------------------
def test_the_event_detail_is_read_as_published():
    read = notice()
    assert (read.hold_id, read.patron_id, read.pickup_library_id) == (
        "h-1",
        "1000000017",
        "central",
    )
    assert read.pickup_deadline == date(2026, 12, 11)
    assert read.notice_id == "hold-ready#h-1"
    assert TITLE not in repr(read) and "1000000017" not in repr(read)


@pytest.mark.parametrize(
    "change",
    [
        {"holdId": ""},
        {"patronId": None},
        {"pickupLibraryId": 3},
        {"pickupDeadline": "12/11"},
        {"pickupDeadline": "2026-02-30"},
    ],
)
def test_an_event_that_breaks_the_contract_is_refused(change):
    with pytest.raises(InvalidEvent):
        HoldReady.from_detail(hold_ready_detail("1000000017", **change))


def test_a_pickup_reminder_is_read_like_hold_ready_but_is_a_notice_of_its_own():
    read = pickup_reminder()
    assert (read.hold_id, read.pickup_library_id, read.pickup_deadline) == (
        "h-1",
        "central",
        date(2026, 12, 9),
    )
    assert read.notice_id == "pickup-reminder#h-1"
    assert read.notice_key == ("pickup-reminder", "h-1")
    assert TITLE not in repr(read) and "1000000017" not in repr(read)
    with pytest.raises(InvalidEvent):
        PickupReminder.from_detail(hold_ready_detail("1000000017", pickupDeadline=""))


def test_a_loan_due_event_is_read_as_published():
    read = loan_due()
    assert (read.patron_id, read.barcode, read.record_id, read.title) == (
        "1000000017",
        "00077300",
        "aozora-000773",
        TITLE,
    )
    assert read.due_on == date(2026, 12, 15)
    assert read.notice_id == "due-reminder#00077300#2026-12-15"
    assert read.notice_key == ("due-reminder", "00077300", "2026-12-15")


def test_what_logs_show_of_a_loan_names_neither_book_nor_patron():
    read = loan_due()
    for shown in (repr(read), read.log_id):
        assert "00077" not in shown and TITLE not in shown and "1000000017" not in shown
    assert read.log_id == "due-reminder#2026-12-15"


@pytest.mark.parametrize(
    "change",
    [
        {"barcode": ""},
        {"patronId": None},
        {"recordId": 773},
        {"dueOn": "12/15"},
        {"dueOn": "2026-02-30"},
    ],
)
def test_a_loan_due_event_that_breaks_the_contract_is_refused(change):
    with pytest.raises(InvalidEvent):
        LoanDue.from_detail(loan_due_detail("1000000017", **change))


def test_a_loan_due_detail_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidEvent):
        LoanDue.from_detail(["00077300"])


# -- the service, with in-memory adapters ------------------------------------------------------
class MemoryNoticeLog:
    def __init__(self) -> None:
        self.records: dict[str, tuple[NoticeStatus, str]] = {}

    def status(self, notice_id: str) -> NoticeStatus | None:
        found = self.records.get(notice_id)
        return found[0] if found else None

    def record(self, notice_id: str, status: NoticeStatus, patron_id: str) -> None:
        self.records[notice_id] = (status, patron_id)


class RecordingPusher:
    def __init__(self, failure: Exception | None = None) -> None:
        self.pushes: list[tuple[str, list[dict], str]] = []
        self.failure = failure

    def push(self, to: str, messages: list[dict], retry_key: str) -> None:
        if self.failure:
            raise self.failure
        self.pushes.append((to, messages, retry_key))


@pytest.fixture
def patrons():
    return MemoryPatrons()


def service(patrons, pusher, log, shows_title=False) -> NoticeService:
    return NoticeService(patrons, pusher, log, default_libraries(), shows_title=shows_title)


def linked_patron(patrons) -> str:
    patron = patrons.register("図書 花子", date(1992, 5, 16), "03-1234-5678")
    patrons.link_line(patron.patron_id, LINE_USER)
    return patron.patron_id


def test_a_linked_patron_is_pushed_the_notice_with_the_hold_s_retry_key(patrons):
    pusher, log = RecordingPusher(), MemoryNoticeLog()
    patron_id = linked_patron(patrons)
    event = HoldReady.from_detail(hold_ready_detail(patron_id, hold_id="h-7"))

    result = service(patrons, pusher, log).hold_ready(event)

    assert (result.status, result.pushed) == (NoticeStatus.DELIVERED, True)
    ((to, messages, key),) = pusher.pushes
    assert to == LINE_USER and key == retry_key_for("hold-ready", "h-7")
    assert "中央図書館" in messages[0]["altText"]  # the name from libraries.toml, not the id
    assert log.records["hold-ready#h-7"] == (NoticeStatus.DELIVERED, patron_id)


def test_a_notice_delivered_before_is_not_pushed_again(patrons):
    pusher, log = RecordingPusher(), MemoryNoticeLog()
    event = HoldReady.from_detail(hold_ready_detail(linked_patron(patrons)))
    notices = service(patrons, pusher, log)

    notices.hold_ready(event)
    again = notices.hold_ready(event)

    assert len(pusher.pushes) == 1
    assert (again.status, again.pushed) == (NoticeStatus.DELIVERED, False)


def test_patrons_without_line_or_unknown_are_recorded_and_not_pushed(patrons):
    pusher, log = RecordingPusher(), MemoryNoticeLog()
    unlinked = patrons.register("図書 太郎", date(1990, 1, 1), "03-0000-0000").patron_id
    notices = service(patrons, pusher, log)

    not_linked = notices.hold_ready(HoldReady.from_detail(hold_ready_detail(unlinked)))
    unknown = notices.hold_ready(HoldReady.from_detail(hold_ready_detail("1000000017")))

    assert pusher.pushes == []
    assert (not_linked.status, unknown.status) == (
        NoticeStatus.NOT_LINKED,
        NoticeStatus.UNKNOWN_PATRON,
    )
    assert log.records[not_linked.notice_id] == (NoticeStatus.NOT_LINKED, unlinked)


def test_a_patron_who_linked_after_a_not_linked_notice_is_told_on_redelivery(patrons):
    pusher, log = RecordingPusher(), MemoryNoticeLog()
    patron = patrons.register("図書 太郎", date(1990, 1, 1), "03-0000-0000")
    event = HoldReady.from_detail(hold_ready_detail(patron.patron_id))
    notices = service(patrons, pusher, log)

    assert notices.hold_ready(event).status is NoticeStatus.NOT_LINKED
    patrons.link_line(patron.patron_id, LINE_USER)
    assert notices.hold_ready(event).status is NoticeStatus.DELIVERED
    assert len(pusher.pushes) == 1


def test_a_final_line_failure_is_raised_and_not_recorded_as_delivered(patrons):
    pusher, log = RecordingPusher(failure=LineApiError(500, "down")), MemoryNoticeLog()
    event = HoldReady.from_detail(hold_ready_detail(linked_patron(patrons)))

    with pytest.raises(LineApiError):
        service(patrons, pusher, log).hold_ready(event)
    assert log.status(event.notice_id) is None


def test_reminders_are_pushed_with_their_own_retry_keys(patrons):
    pusher, log = RecordingPusher(), MemoryNoticeLog()
    patron_id = linked_patron(patrons)
    notices = service(patrons, pusher, log)
    hold = hold_ready_detail(patron_id, hold_id="h-7")

    ready = notices.hold_ready(HoldReady.from_detail(hold))
    pickup = notices.pickup_reminder(PickupReminder.from_detail(hold))
    due = notices.due_reminder(LoanDue.from_detail(loan_due_detail(patron_id, barcode="00077300")))

    assert [r.pushed for r in (ready, pickup, due)] == [True, True, True]
    assert [key for _to, _messages, key in pusher.pushes] == [
        retry_key_for("hold-ready", "h-7"),
        retry_key_for("pickup-reminder", "h-7"),
        retry_key_for("due-reminder", "00077300", "2026-12-15"),
    ]
    pickup_message, due_message = pusher.pushes[1][1][0], pusher.pushes[2][1][0]
    assert "中央図書館にご来館ください。" in pickup_message["altText"]
    assert due_message["altText"].startswith("貸出中の本の返却期限は明日")
    assert log.records["pickup-reminder#h-7"] == (NoticeStatus.DELIVERED, patron_id)
    assert log.records["due-reminder#00077300#2026-12-15"] == (NoticeStatus.DELIVERED, patron_id)


def test_a_redelivered_reminder_is_not_pushed_again_but_a_renewed_loan_is_reminded(patrons):
    pusher, log = RecordingPusher(), MemoryNoticeLog()
    patron_id = linked_patron(patrons)
    notices = service(patrons, pusher, log)
    due = loan_due_detail(patron_id, barcode="00077300")

    first = notices.due_reminder(LoanDue.from_detail(due))
    again = notices.due_reminder(LoanDue.from_detail(due))
    renewed = notices.due_reminder(LoanDue.from_detail({**due, "dueOn": "2026-12-29"}))

    assert [r.pushed for r in (first, again, renewed)] == [True, False, True]
    assert again.status is NoticeStatus.DELIVERED
    assert len(pusher.pushes) == 2


def test_a_reminder_for_a_patron_without_line_is_recorded_and_not_pushed(patrons):
    pusher, log = RecordingPusher(), MemoryNoticeLog()
    unlinked = patrons.register("図書 太郎", date(1990, 1, 1), "03-0000-0000").patron_id
    notices = service(patrons, pusher, log)

    pickup = notices.pickup_reminder(PickupReminder.from_detail(hold_ready_detail(unlinked)))
    due = notices.due_reminder(LoanDue.from_detail(loan_due_detail(unlinked)))

    assert pusher.pushes == []
    assert (pickup.status, due.status) == (NoticeStatus.NOT_LINKED, NoticeStatus.NOT_LINKED)
    assert log.records[due.notice_id] == (NoticeStatus.NOT_LINKED, unlinked)


# -- the privacy default -----------------------------------------------------------------------
def test_titles_are_off_notices_unless_the_library_turns_them_on():
    template = load_template()
    assert template["Parameters"]["NoticeShowsTitle"]["Default"] == "false"
    variables = template["Resources"]["NotifierFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["NOTICE_SHOWS_TITLE"] == {"Ref": "NoticeShowsTitle"}
    assert Settings.from_environment({}).notice_shows_title is False
    assert Settings.from_environment({"NOTICE_SHOWS_TITLE": "TRUE"}).notice_shows_title is True


@pytest.mark.parametrize(
    ("library_setting", "patron_answer", "titled"),
    [(False, True, True), (True, False, False), (False, None, False), (True, None, True)],
)
def test_the_patron_s_own_answer_on_titles_wins_over_the_library_setting(
    patrons, library_setting, patron_answer, titled
):
    pusher, log = RecordingPusher(), MemoryNoticeLog()
    patron = patrons.register(
        "渋谷 太郎",
        date(1990, 4, 1),
        "03-1234-5678",
        line_user_id=LINE_USER,
        notice_titles=patron_answer,
    )
    event = HoldReady.from_detail(hold_ready_detail(patron.patron_id, title="こころ"))

    service(patrons, pusher, log, shows_title=library_setting).hold_ready(event)

    ((_, (message,), _),) = pusher.pushes
    assert ("こころ" in message["altText"]) is titled

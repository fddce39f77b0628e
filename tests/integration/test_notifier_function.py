"""NotifierFunction on moto (the template's PatronsTable and NoticesTable), pushing to the
LINE stand-in: each HoldReady, HoldPickupReminder and LoanDueReminder reaches the patron once,
however LINE and EventBridge retry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from devstack.template import load_template
from library_service import config
from library_service.eventbus import DUE_REMINDER, HOLD_READY, PICKUP_REMINDER
from library_service.line.messenger import LineApiError, retry_key_for
from library_service.notices.events import InvalidEvent
from library_service.notices.log import NoticeStatus
from library_service.storage.notices import DynamoNoticeLog, NoticeItem, bind_notices
from library_service.storage.patrons import DynamoPatrons, bind_patrons
from tests.integration.conftest import ACCESS_TOKEN, context
from tests.support.functions import load_handler_module
from tests.support.hold_events import TITLE, eventbridge_event, hold_ready_detail, loan_due_detail

PUSH = "/v2/bot/message/push"
LINE_USER = "U" + "e" * 32


@pytest.fixture
def load_notifier(stack, monkeypatch):
    def load(**environment: str):
        for key, value in {**stack.function_environment("NotifierFunction"), **environment}.items():
            monkeypatch.setenv(key, value)
        config.get_settings.cache_clear()
        return load_handler_module("notifier")

    return load


@pytest.fixture
def notifier(load_notifier):
    return load_notifier()


@pytest.fixture
def patrons(stack):
    bind_patrons(stack.ref("PatronsTable"), stack.region)
    return DynamoPatrons()


def linked_patron(patrons, line_user: str = LINE_USER) -> str:
    patron = patrons.register("図書 花子", date(1992, 5, 16), "03-1234-5678")
    patrons.link_line(patron.patron_id, line_user)
    return patron.patron_id


def notify(notifier, detail: dict, detail_type: str = HOLD_READY) -> dict:
    event = eventbridge_event(detail, detail_type)
    return notifier.lambda_handler(event, context("NotifierFunction"))


def test_a_linked_patron_is_pushed_one_notice_with_the_hold_s_retry_key(
    notifier, patrons, line_api
):
    patron_id = linked_patron(patrons)
    detail = hold_ready_detail(patron_id)

    result = notify(notifier, detail)

    assert result == {
        "noticeId": f"hold-ready#{detail['holdId']}",
        "status": "delivered",
        "pushed": True,
    }
    (call,) = line_api.calls_to(PUSH)
    assert call.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert call.headers["X-Line-Retry-Key"] == retry_key_for("hold-ready", detail["holdId"])
    assert call.body["to"] == LINE_USER
    (message,) = call.body["messages"]
    assert message["type"] == "flex"
    assert message["altText"].startswith("ご予約の本が貸出可能になりました。")
    assert "中央図書館" in message["altText"] and "12月11日（金）まで" in message["altText"]
    assert TITLE not in str(call.body)  # NOTICE_SHOWS_TITLE is false unless the library says so

    item = NoticeItem.get(f"hold-ready#{detail['holdId']}")
    assert (item.status, item.patron_id) == ("delivered", patron_id)
    kept = item.expires_at - datetime.now(UTC)
    assert timedelta(days=89) < kept <= timedelta(days=90)


def test_the_title_is_shown_when_the_library_turns_it_on(load_notifier, patrons, line_api):
    notifier = load_notifier(NOTICE_SHOWS_TITLE="true")
    notify(notifier, hold_ready_detail(linked_patron(patrons)))
    (call,) = line_api.calls_to(PUSH)
    assert call.body["messages"][0]["altText"].startswith(f"ご予約の「{TITLE}」が")


def test_a_push_failing_with_500_then_429_is_retried_with_the_same_key(notifier, patrons, line_api):
    detail = hold_ready_detail(linked_patron(patrons))
    line_api.fail_next(PUSH, 500, {"message": "Internal server error"})
    line_api.fail_next(PUSH, 429, {"message": "The API rate limit has been exceeded."})

    assert notify(notifier, detail)["status"] == "delivered"

    calls = line_api.calls_to(PUSH)
    assert len(calls) == 3  # failed, failed, accepted
    assert {c.headers["X-Line-Retry-Key"] for c in calls} == {
        retry_key_for("hold-ready", detail["holdId"])
    }
    assert NoticeItem.get(f"hold-ready#{detail['holdId']}").status == "delivered"


def test_a_push_refused_with_400_is_not_retried_and_fails_the_invocation(
    notifier, patrons, line_api, caplog
):
    detail = hold_ready_detail(linked_patron(patrons))
    line_api.fail_next(PUSH, 400, {"message": "The request body has 1 error(s)"})

    with pytest.raises(LineApiError) as raised:
        notify(notifier, detail)

    assert raised.value.status == 400
    # The one log message the LineApiFailures metric filter counts.
    (failure,) = [r for r in caplog.records if r.getMessage() == "LINE API call failed"]
    assert (failure.call, failure.status) == ("push", 400)
    assert len(line_api.calls_to(PUSH)) == 1
    # Nothing recorded: the event's retries and dead-letter queue still own it.
    assert NoticeItem.count(f"hold-ready#{detail['holdId']}") == 0


def test_a_patron_without_line_is_recorded_not_linked_and_not_pushed(notifier, patrons, line_api):
    patron = patrons.register("図書 太郎", date(1990, 1, 1), "03-0000-0000")
    detail = hold_ready_detail(patron.patron_id)

    assert notify(notifier, detail) == {
        "noticeId": f"hold-ready#{detail['holdId']}",
        "status": "not_linked",
        "pushed": False,
    }
    assert line_api.calls_to(PUSH) == []
    item = NoticeItem.get(f"hold-ready#{detail['holdId']}")
    assert (item.status, item.patron_id) == ("not_linked", patron.patron_id)


def test_an_unknown_patron_is_recorded_and_not_pushed(notifier, patrons, line_api):
    detail = hold_ready_detail("1234567890")
    assert notify(notifier, detail)["status"] == "unknown_patron"
    assert line_api.calls_to(PUSH) == []
    assert NoticeItem.get(f"hold-ready#{detail['holdId']}").status == "unknown_patron"


def test_the_same_event_twice_pushes_once(notifier, patrons, line_api):
    # The stand-in does not honour retry keys, so only the notice log can stop a second
    # push here, as on LINE once the key's 24 hours are over.
    detail = hold_ready_detail(linked_patron(patrons))

    first = notify(notifier, detail)
    second = notify(notifier, detail)

    assert (first["pushed"], second["pushed"]) == (True, False)
    assert second["status"] == "delivered"
    assert len(line_api.calls_to(PUSH)) == 1


def test_two_holds_of_one_patron_are_two_notices(notifier, patrons, line_api):
    patron_id = linked_patron(patrons)
    notify(notifier, hold_ready_detail(patron_id))
    notify(notifier, hold_ready_detail(patron_id))
    keys = {c.headers["X-Line-Retry-Key"] for c in line_api.calls_to(PUSH)}
    assert len(keys) == 2


def test_a_delivered_notice_stays_delivered_whatever_is_recorded_later(stack):
    bind_notices(stack.ref("NoticesTable"), stack.region)
    log = DynamoNoticeLog(ttl_seconds=3600)
    log.record("hold-ready#h-1", NoticeStatus.DELIVERED, "1234567890")
    log.record("hold-ready#h-1", NoticeStatus.NOT_LINKED, "1234567890")
    assert log.status("hold-ready#h-1") is NoticeStatus.DELIVERED

    log.record("hold-ready#h-2", NoticeStatus.NOT_LINKED, "1234567890")
    log.record("hold-ready#h-2", NoticeStatus.UNKNOWN_PATRON, "1234567890")
    assert log.status("hold-ready#h-2") is NoticeStatus.UNKNOWN_PATRON
    assert log.status("hold-ready#h-3") is None


# -- the reminders ----------------------------------------------------------------------------
def pickup_reminder(patron_id: str) -> tuple[dict, str, str]:
    """A HoldPickupReminder detail, its notice ID and its retry key."""
    detail = hold_ready_detail(patron_id, pickupDeadline="2026-12-09")
    hold_id = detail["holdId"]
    return detail, f"pickup-reminder#{hold_id}", retry_key_for("pickup-reminder", hold_id)


def due_reminder(patron_id: str) -> tuple[dict, str, str]:
    """A LoanDueReminder detail, its notice ID and its retry key."""
    detail = loan_due_detail(patron_id)
    barcode, due_on = detail["barcode"], detail["dueOn"]
    return (
        detail,
        f"due-reminder#{barcode}#{due_on}",
        retry_key_for("due-reminder", barcode, due_on),
    )


REMINDERS = [
    pytest.param(
        PICKUP_REMINDER,
        pickup_reminder,
        "ご予約の本は、明日（12月9日（水））が受取期限です。中央図書館にご来館ください。",
        id="pickup",
    ),
    pytest.param(
        DUE_REMINDER,
        due_reminder,
        "貸出中の本の返却期限は明日（12月15日（火））です。",
        id="due",
    ),
]


@pytest.mark.parametrize("detail_type, reminder, alt_text", REMINDERS)
def test_a_reminder_is_pushed_once_with_its_own_retry_key(
    notifier, patrons, line_api, detail_type, reminder, alt_text
):
    patron_id = linked_patron(patrons)
    detail, notice_id, retry_key = reminder(patron_id)

    first = notify(notifier, detail, detail_type)
    redelivered = notify(notifier, detail, detail_type)

    assert first == {"noticeId": notice_id, "status": "delivered", "pushed": True}
    assert redelivered == {"noticeId": notice_id, "status": "delivered", "pushed": False}
    (call,) = line_api.calls_to(PUSH)
    assert call.headers["X-Line-Retry-Key"] == retry_key
    assert call.body["to"] == LINE_USER
    (message,) = call.body["messages"]
    assert message["altText"] == alt_text
    assert TITLE not in str(call.body)
    item = NoticeItem.get(notice_id)
    assert (item.status, item.patron_id) == ("delivered", patron_id)


@pytest.mark.parametrize("detail_type, reminder, alt_text", REMINDERS)
def test_a_reminder_for_a_patron_without_line_is_recorded_and_not_pushed(
    notifier, patrons, line_api, detail_type, reminder, alt_text
):
    patron = patrons.register("図書 太郎", date(1990, 1, 1), "03-0000-0000")
    detail, notice_id, _retry_key = reminder(patron.patron_id)

    result = notify(notifier, detail, detail_type)

    assert result == {"noticeId": notice_id, "status": "not_linked", "pushed": False}
    assert line_api.calls_to(PUSH) == []
    item = NoticeItem.get(notice_id)
    assert (item.status, item.patron_id) == ("not_linked", patron.patron_id)


def test_a_hold_s_ready_notice_and_its_pickup_reminder_are_two_pushes(notifier, patrons, line_api):
    detail = hold_ready_detail(linked_patron(patrons))
    notify(notifier, detail, HOLD_READY)
    assert notify(notifier, detail, PICKUP_REMINDER)["pushed"] is True
    keys = [c.headers["X-Line-Retry-Key"] for c in line_api.calls_to(PUSH)]
    assert keys == [
        retry_key_for("hold-ready", detail["holdId"]),
        retry_key_for("pickup-reminder", detail["holdId"]),
    ]


def test_the_title_is_shown_in_reminders_when_the_library_turns_it_on(
    load_notifier, patrons, line_api
):
    notifier = load_notifier(NOTICE_SHOWS_TITLE="true")
    notify(notifier, loan_due_detail(linked_patron(patrons)), DUE_REMINDER)
    (call,) = line_api.calls_to(PUSH)
    assert call.body["messages"][0]["altText"].startswith(f"貸出中の「{TITLE}」の返却期限は")


def test_the_due_reminder_s_log_lines_name_neither_the_book_nor_the_patron(
    notifier, patrons, line_api, caplog
):
    patron_id = linked_patron(patrons)
    notify(notifier, loan_due_detail(patron_id, barcode="00077300"), DUE_REMINDER)

    # Each record with its structured keys (`notice`, `patron`, `to`), as the JSON line has them.
    logged = [vars(r) for r in caplog.records if r.name.endswith("notices.service")]
    assert [(r["msg"], r["notice"]) for r in logged] == [
        ("notice delivered", "due-reminder#2026-12-15")
    ]
    for private in ("00077", TITLE, patron_id, LINE_USER):
        assert private not in str(logged)


def test_an_unknown_detail_type_is_refused_and_nothing_is_sent(notifier, patrons, line_api):
    detail = hold_ready_detail(linked_patron(patrons))
    with pytest.raises(InvalidEvent):
        notify(notifier, detail, "HoldCancelled")
    assert line_api.calls_to(PUSH) == []
    assert NoticeItem.count(f"hold-ready#{detail['holdId']}") == 0


def test_the_rule_lets_through_exactly_the_events_the_handler_knows(notifier):
    events = load_template()["Resources"]["NotifierFunction"]["Properties"]["Events"]
    (rule,) = events.values()
    assert rule["Properties"]["Pattern"]["detail-type"] == list(notifier.NOTICES)
    assert list(notifier.NOTICES) == [HOLD_READY, PICKUP_REMINDER, DUE_REMINDER]

"""予約 through the conversation function: moto tables, the real patrons, holds and catalogue
adapters, and the LINE stand-in recording each answer."""

from __future__ import annotations

from datetime import date

import pytest

from library_service.catalogue.records import Author, CatalogueEntry, Copy, Record
from library_service.line.postback import decode
from library_service.storage.catalogue import DynamoCatalogue, bind_catalogue
from library_service.storage.holds import DynamoHolds, bind_holds
from library_service.storage.patrons import DynamoPatrons, bind_patrons
from tests.integration.conftest import context
from tests.support import line_events

REPLY = "/v2/bot/message/reply"
LINKED = "U" + "a" * 32
OTHER = "U" + "c" * 32
KOKORO = CatalogueEntry(
    Record("aozora-000773", "こころ", (Author("夏目 漱石"),)),
    (Copy("aozora-000773", "77300", "central"),),
)


@pytest.fixture
def library(stack):
    region = stack.region
    bind_catalogue(stack.ref("CatalogueTable"), stack.ref("SearchIndexTable"), region)
    bind_patrons(stack.ref("PatronsTable"), region)
    bind_holds(stack.ref("HoldsTable"), region)
    DynamoCatalogue().save([KOKORO])
    patrons = DynamoPatrons()
    for user in (LINKED, OTHER):
        patron = patrons.register("図書 花子", date(1992, 5, 16), "03-1234-5678")
        patrons.link_line(patron.patron_id, user)
    return patrons


class Phone:
    """One LINE user tapping through the bot, each answer read from the LINE stand-in."""

    def __init__(self, conversation, line_api, user: str) -> None:
        self.conversation, self.line_api, self.user = conversation, line_api, user

    def send(self, event: dict) -> list[dict]:
        before = len(self.line_api.calls_to(REPLY))
        self.conversation.lambda_handler(line_events.sqs_event(event), context("conversation"))
        calls = self.line_api.calls_to(REPLY)
        assert len(calls) == before + 1, "the bot did not answer"
        return calls[-1].body["messages"]

    def tap(self, data: str) -> list[dict]:
        return self.send(line_events.postback(data, user=self.user))

    def type(self, text: str) -> list[dict]:
        return self.send(line_events.text(text, user=self.user))


def buttons(message: dict) -> dict[str, str]:
    """Label → postback data of a flex bubble's footer buttons or a text's quick replies."""
    if message["type"] == "text":
        return {i["action"]["label"]: i["action"]["data"] for i in message["quickReply"]["items"]}
    footer = message["contents"]["footer"]["contents"]
    return {node["action"]["label"]: node["action"]["data"] for node in footer}


def lines(message: dict) -> list[str]:
    return [node["text"] for node in message["contents"]["body"]["contents"]]


def reserve_until_confirmation(phone: Phone, library: str = "中央図書館") -> dict:
    (draft,) = phone.tap("action=reserve&r=aozora-000773")
    assert lines(draft)[1:] == [
        "こころ",
        "予約した本を受け取る場所（図書館等）を選択します。",
        "受取場所：未選択",
    ]
    (choices,) = phone.tap(buttons(draft)["選択"])
    assert list(buttons(choices))[:3] == ["中央図書館", "西原図書館", "富ヶ谷図書館"]
    assert "白根図書サービススポット" in buttons(choices)
    (chosen,) = phone.tap(buttons(choices)[library])
    assert lines(chosen)[2] == f"受取場所：{library}"
    (confirmation,) = phone.tap(buttons(chosen)["確定"])
    assert list(buttons(confirmation)) == ["予約", "中止", "修正"]
    return confirmation


def test_a_linked_patron_reserves_and_then_cancels(library, conversation, line_api):
    phone = Phone(conversation, line_api, LINKED)
    confirmation = reserve_until_confirmation(phone)
    assert lines(confirmation)[1:4] == ["こころ", "受取場所：中央図書館", "予約待ち：なし"]
    (done,) = phone.tap(buttons(confirmation)["予約"])
    assert done["text"].startswith(
        "予約しました。\n書名：こころ\n受取場所：中央図書館\n順番：1番目"
    )

    (again,) = phone.tap(buttons(confirmation)["予約"])  # the old button, tapped again
    assert again["text"].startswith("「こころ」はすでに予約しています（順番：1番目）")
    assert len(DynamoHolds().queue("aozora-000773")) == 1  # reserved once

    other = Phone(conversation, line_api, OTHER)
    second = reserve_until_confirmation(other, "代々木図書館")
    assert lines(second)[3] == "予約待ち：1人"
    (done,) = other.tap(buttons(second)["予約"])
    assert "順番：2番目" in done["text"]

    (status,) = phone.type("予約状況")
    (bubble,) = status["contents"]["contents"]
    assert [n["text"] for n in bubble["body"]["contents"]][1:] == [
        "こころ",
        "予約待ち（1番目）",
        "受取場所：中央図書館",
    ]
    cancel = bubble["footer"]["contents"][0]["action"]
    (question,) = phone.tap(cancel["data"])
    assert lines(question)[1] == "「こころ」の予約を取り消しますか？"
    (cancelled,) = phone.tap(buttons(question)["取り消す"])
    assert cancelled["text"] == "予約を取り消しました。"
    (status,) = other.type("予約状況")
    (bubble,) = status["contents"]["contents"]
    assert "予約待ち（1番目）" in [n["text"] for n in bubble["body"]["contents"]]  # moved up
    (none,) = phone.type("予約状況")
    assert none["text"] == "現在、予約している本はありません。"


def test_amend_goes_back_to_change_the_library_and_abort_reserves_nothing(
    library, conversation, line_api
):
    phone = Phone(conversation, line_api, LINKED)
    confirmation = reserve_until_confirmation(phone)
    (choices,) = phone.tap(buttons(confirmation)["修正"])
    back = buttons(choices)["戻る"]
    assert decode(back) == ("reserve-confirm", {"r": "aozora-000773", "p": "central"})
    (chosen,) = phone.tap(buttons(choices)["笹塚図書館"])
    (confirmation,) = phone.tap(buttons(chosen)["確定"])
    assert lines(confirmation)[2] == "受取場所：笹塚図書館"
    (aborted,) = phone.tap(buttons(confirmation)["中止"])
    assert aborted["text"] == "予約を中止しました。"
    assert DynamoHolds().queue("aozora-000773") == []


def test_an_unlinked_line_user_is_told_why_and_where_to_go(library, conversation, line_api):
    phone = Phone(conversation, line_api, "U" + "d" * 32)
    (answer,) = phone.tap("action=reserve&r=aozora-000773")
    assert answer["text"].startswith("予約は、図書館の利用者登録とLINE連携がお済みの方")
    assert list(buttons(answer)) == ["利用者登録", "マイページ"]
    (answer,) = phone.tap("action=reserve-place&r=aozora-000773&p=central")  # a forged tap
    assert answer["text"].startswith("予約は、図書館の利用者登録とLINE連携")
    assert DynamoHolds().queue("aozora-000773") == []

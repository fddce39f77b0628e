"""利用者登録 in the chat, over in-memory stores: every step, 修正, 中止 and stale buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from linebot.v3.webhooks import Event

from library_service.catalogue.libraries import default_libraries
from library_service.catalogue.search import CatalogueSearch
from library_service.conversation import texts
from library_service.conversation.dialogue import Dialogue
from library_service.conversation.mypage_flow import MyPageFlow
from library_service.conversation.register_flow import RegisterFlow
from library_service.conversation.reserve_flow import ReserveFlow
from library_service.conversation.state import Conversation
from library_service.holds.service import HoldRules, HoldService
from library_service.identity import Document, Method
from library_service.line.limits import check_messages
from library_service.line.postback import decode
from library_service.patrons.ids import is_valid_patron_id
from library_service.registration.model import Stage, VerifiedFacts
from library_service.registration.terms import terms_of_use
from tests.support import line_events
from tests.support.dialogues import NoNonces
from tests.support.line_events import USER
from tests.support.memory_catalogue import MemoryCatalogue
from tests.support.memory_patrons import MemoryPatrons
from tests.support.memory_registrations import MemoryRegistrations

START_URL = "https://api.example/identity/start?t="


class Chat:
    """One patron's chat with a dialogue, keeping the conversation between turns."""

    def __init__(self) -> None:
        self.registrations = MemoryRegistrations()
        self.patrons = MemoryPatrons()
        catalogue, libraries = MemoryCatalogue(), default_libraries()
        self.dialogue = Dialogue(
            "渋谷区立図書館",
            CatalogueSearch(catalogue, catalogue, libraries),
            ReserveFlow(
                self.patrons,
                HoldService(None, catalogue, libraries, HoldRules()),
                catalogue,
                libraries,
            ),
            RegisterFlow(self.registrations, self.patrons, lambda t: START_URL + t, terms_of_use),
            MyPageFlow(self.patrons, NoNonces(), lambda user: "link-token", "https://api.example"),
            self.patrons,
            lambda patron_id: f"https://api.example/card/barcode.png?t=signed-{patron_id}",
        )
        self.conversation = Conversation(USER)

    def _turn(self, raw: dict) -> list[dict]:
        turn = self.dialogue.on_event(Event.from_dict(raw), self.conversation)
        check_messages(turn.messages)
        if turn.conversation is not None:
            self.conversation = turn.conversation
        return turn.messages

    def tap(self, action: str, **params: str) -> list[dict]:
        data = "&".join([f"action={action}", *(f"{k}={v}" for k, v in params.items())])
        return self._turn(line_events.postback(data))

    def say(self, text: str) -> list[dict]:
        return self._turn(line_events.text(text))

    def verified(self) -> None:
        """What the identity desk records when the provider vouches for the patron."""
        registration = self.registrations.get(USER)
        facts = VerifiedFacts(
            method=registration.method,
            document=registration.document,
            transaction_id="jpki-0001",
            verified_at=datetime(2026, 12, 4, tzinfo=UTC),
            name="渋谷 太郎",
            birth_date=date(1990, 4, 1),
            address="東京都渋谷区宇田川町1-1",
        )
        self.registrations.sessions[USER] = replace(
            registration, stage=Stage.CATEGORY, attempt=None, verified=facts
        )


def buttons(message: dict) -> list[dict]:
    """The actions of a message's buttons or quick replies."""
    if message["type"] == "text":
        return [item["action"] for item in message.get("quickReply", {}).get("items", [])]
    footer = message["contents"].get("footer", {"contents": []})
    return [node["action"] for node in footer["contents"] if node["type"] == "button"]


def labels(message: dict) -> list[str]:
    return [action["label"] for action in buttons(message)]


def all_text(messages: list[dict]) -> str:
    return repr(messages)


@pytest.fixture
def chat() -> Chat:
    return Chat()


def to_questions(chat: Chat, method: str = "jpki") -> None:
    chat.tap("register")
    chat.tap("reg-agree")
    if method == "jpki":
        chat.tap("reg-method", m="jpki")
    else:
        chat.tap("reg-method", m="face")
        chat.tap("reg-doc", d="drivers_license")
    chat.verified()


def to_confirmation(chat: Chat) -> list[dict]:
    to_questions(chat)
    chat.tap("reg-category", v="ward-resident")
    chat.say("03-1234-5678")
    return chat.tap("reg-titles", v="0")


def test_register_shows_the_terms_with_agree_and_disagree(chat):
    intro, question = chat.tap("register")
    assert intro["text"].startswith(texts.REGISTER_TERMS_INTRO)
    assert "利用規約" in intro["text"]
    assert labels(question) == ["同意します", "同意しない"]
    assert chat.registrations.get(USER).stage is Stage.TERMS


def test_disagreeing_ends_and_deletes_the_registration(chat):
    chat.tap("register")
    (said,) = chat.tap("reg-disagree")
    assert "中止しました" in said["text"]
    assert chat.registrations.get(USER) is None


def test_agreeing_offers_both_methods_then_jpki_opens_the_check(chat):
    chat.tap("register")
    (methods,) = chat.tap("reg-agree")
    assert labels(methods) == ["マイナンバーカード", "顔認証", "中止"]
    assert "電子証明書" in all_text([methods])
    (verify,) = chat.tap("reg-method", m="jpki")
    (button, abort) = buttons(verify)
    registration = chat.registrations.get(USER)
    assert button == {
        "type": "uri",
        "label": "本人確認へ進む",
        "uri": START_URL + registration.attempt.start_token,
    }
    assert registration.stage is Stage.VERIFYING and registration.method is Method.JPKI
    assert chat.registrations.by_state(registration.attempt.state) == registration


def test_face_asks_for_the_document_first(chat):
    chat.tap("register")
    chat.tap("reg-agree")
    (documents,) = chat.tap("reg-method", m="face")
    assert labels(documents) == [
        "マイナンバーカード",
        "運転免許証",
        "パスポート",
        "在留カード",
        "中止",
    ]
    chat.tap("reg-doc", d="passport")
    registration = chat.registrations.get(USER)
    assert registration.document is Document.PASSPORT and registration.stage is Stage.VERIFYING


def test_questions_then_confirmation_shows_verified_facts_and_answers(chat):
    to_questions(chat)
    (category,) = chat.tap("reg-category", v="no-such")  # an altered button: asked again
    assert labels(category) == ["区内在住", "都内在住", "都内在学", "都内在勤"]
    (contact,) = chat.tap("reg-category", v="tokyo-worker")
    assert contact["text"] == texts.REGISTER_ASK_CONTACT
    (titles,) = chat.say("０３－１２３４－５６７８")  # full-width, as phones often type it
    assert labels(titles) == ["表示する", "表示しない"]
    (confirmation,) = chat.tap("reg-titles", v="1")
    shown = all_text([confirmation])
    for expected in (
        "渋谷 太郎",
        "1990年4月1日",
        "東京都渋谷区宇田川町1-1",
        "都内在勤",
        "03-1234-5678",
    ):
        assert expected in shown
    assert "マイナンバーカード（公的個人認証）" in shown
    assert labels(confirmation) == ["登録", "修正", "中止"]


def test_a_wrong_contact_is_explained_and_asked_again(chat):
    to_questions(chat)
    chat.tap("reg-category", v="ward-resident")
    (again,) = chat.say("電話はありません")
    assert again["text"].startswith("連絡先には電話番号かメールアドレスを入力してください。")
    assert texts.REGISTER_ASK_CONTACT in again["text"]
    assert chat.registrations.get(USER).stage is Stage.CONTACT
    (titles,) = chat.say("taro@example.jp")
    assert labels(titles) == ["表示する", "表示しない"]


def test_typing_while_a_button_answer_is_expected_points_to_the_buttons(chat):
    to_questions(chat)
    (again,) = chat.say("区内")
    assert again["text"].startswith(texts.REGISTER_ANSWER_BUTTONS)
    assert labels(again) == ["区内在住", "都内在住", "都内在学", "都内在勤"]


def test_amend_changes_one_answer_and_returns_to_the_confirmation(chat):
    to_confirmation(chat)
    (which,) = chat.tap("reg-amend")
    assert labels(which) == ["区分", "連絡先", "通知の書名表示"]
    (ask,) = chat.tap("reg-amend-field", f="contact")
    assert ask["text"] == texts.REGISTER_ASK_CONTACT
    (confirmation,) = chat.say("hanako@example.jp")
    assert "hanako@example.jp" in all_text([confirmation])
    assert labels(confirmation) == ["登録", "修正", "中止"]
    registration = chat.registrations.get(USER)
    assert registration.stage is Stage.CONFIRM and registration.notice_titles is False


def test_abort_deletes_everything_entered(chat):
    to_confirmation(chat)
    (said,) = chat.tap("reg-abort")
    assert said["text"] == texts.REGISTER_ABORTED
    assert chat.registrations.get(USER) is None
    (stale,) = chat.tap("reg-submit")  # the confirmation's 登録, tapped afterwards
    assert stale["text"] == texts.REGISTER_NO_SESSION
    assert chat.patrons.by_line_user(USER) is None


def test_register_creates_a_linked_provisional_patron_and_shows_the_id_and_note(chat):
    to_confirmation(chat)
    (done,) = chat.tap("reg-submit")
    patron = chat.patrons.by_line_user(USER)
    assert patron is not None and is_valid_patron_id(patron.patron_id)
    assert f"利用者ID：{patron.patron_id}" in done["text"]
    assert "窓口で住所確認" in done["text"] and "パスポートは使用できません" in done["text"]
    assert "学生証" not in done["text"]  # 区内在住 brings an address document only
    assert patron.status == "provisional" and patron.registered_via == "line"
    assert (patron.name, patron.birth_date, patron.address) == (
        "渋谷 太郎",
        date(1990, 4, 1),
        "東京都渋谷区宇田川町1-1",
    )
    assert patron.category == "ward-resident" and patron.notice_titles is False
    assert patron.identity.method == "jpki" and patron.identity.transaction_id == "jpki-0001"
    assert chat.registrations.get(USER) is None  # the session and its personal data are gone
    (again,) = chat.tap("reg-submit")
    assert again["text"] == texts.REGISTER_ALREADY_LINKED


def test_students_and_workers_are_told_to_bring_their_id_too(chat):
    to_questions(chat)
    chat.tap("reg-category", v="tokyo-student")
    chat.say("03-1234-5678")
    chat.tap("reg-titles", v="1")
    (done,) = chat.tap("reg-submit")
    assert "学生証・社員証等" in done["text"]


def test_a_linked_patron_is_offered_my_page_instead(chat):
    chat.patrons.register("図書 花子", date(1992, 5, 16), "03-0000-0000", line_user_id=USER)
    (said,) = chat.tap("register")
    assert said["text"] == texts.REGISTER_ALREADY_LINKED
    assert decode(buttons(said)[0]["data"])[0] == "mypage"
    assert chat.registrations.get(USER) is None


def test_an_old_button_is_answered_with_the_current_step(chat):
    chat.tap("register")
    chat.tap("reg-agree")
    (methods,) = chat.tap("reg-agree")  # tapped twice
    assert labels(methods) == ["マイナンバーカード", "顔認証", "中止"]
    (still,) = chat.tap("reg-submit")  # a confirmation that does not exist yet
    assert labels(still) == ["マイナンバーカード", "顔認証", "中止"]


def test_register_again_resumes_where_the_patron_left_off(chat):
    to_questions(chat)
    (question,) = chat.tap("register")
    assert labels(question) == ["区内在住", "都内在住", "都内在学", "都内在勤"]


def test_a_failed_check_offers_a_new_attempt(chat):
    chat.tap("register")
    chat.tap("reg-agree")
    chat.tap("reg-method", m="jpki")
    first = chat.registrations.get(USER).attempt
    chat.registrations.sessions[USER] = replace(chat.registrations.get(USER), attempt=None)
    (offer,) = chat.tap("register")
    assert labels(offer) == ["もう一度本人確認する", "本人確認の方法を選び直す", "中止"]
    (verify,) = chat.tap("reg-retry")
    second = chat.registrations.get(USER).attempt
    assert second.state != first.state and second.start_token != first.start_token
    assert buttons(verify)[0]["uri"] == START_URL + second.start_token


def test_after_registering_the_card_shows_the_new_patron(chat):
    to_confirmation(chat)
    (done,) = chat.tap("reg-submit")
    card_button = [a for a in buttons(done) if a["label"] == "利用者カード"][0]
    (card,) = chat.tap(decode(card_button["data"])[0])
    patron = chat.patrons.by_line_user(USER)
    shown = all_text([card])
    assert card["type"] == "flex" and "渋谷 太郎" in shown
    assert f"signed-{patron.patron_id}" in shown  # the barcode image's signed link

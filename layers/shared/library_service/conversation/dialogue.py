"""What the bot answers to each LINE event, given where the patron is in the conversation.

Pure: takes line-bot-sdk webhook models and a Conversation, returns a Turn. Sending and storing
are the caller's job, so every answer can be tested without AWS or LINE.
"""

from __future__ import annotations

from collections.abc import Callable

from linebot.v3.webhooks import (
    AccountLinkEvent,
    Event,
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
)

from ..line import messages, postback
from ..patrons.directory import PatronDirectory
from . import card_messages, menus, search_flow, texts
from .mypage_flow import MyPageFlow
from .register_flow import RegisterFlow
from .reserve_flow import ReserveFlow
from .richmenu import TAB_SWITCH
from .search_flow import Searcher, SearchFlow
from .state import Conversation
from .turn import Turn

MENU = "menu"

__all__ = ["Dialogue", "Turn"]


class Dialogue:
    def __init__(
        self,
        library_name: str,
        searcher: Searcher,
        reservations: ReserveFlow,
        registration: RegisterFlow,
        my_page: MyPageFlow,
        patrons: PatronDirectory,
        card_url: Callable[[str], str],
    ) -> None:
        """`card_url` makes the signed link to a patron's barcode image (`CardLinks.url_for`)."""
        self._library_name = library_name
        self._patrons = patrons
        self._card_url = card_url
        self._search = SearchFlow(searcher, self._back_to_menu)
        self._reservations = reservations
        self._registration = registration
        self._my_page = my_page
        self._postbacks: dict[str, Callable[[Conversation, dict], Turn]] = {
            menus.SHOW_MENU: self._show_menu,
            **self._search.postbacks(),
            **reservations.postbacks(),
            **registration.postbacks(),
            **my_page.postbacks(),
            menus.MENU_ACTIONS[texts.MENU_CARD]: self._show_card,
        }

    def on_event(self, event: Event, conversation: Conversation) -> Turn | None:
        """The answer to `event`, or None when the event needs no answer."""
        if isinstance(event, FollowEvent):
            return Turn(
                [messages.text(texts.greeting(self._library_name)), menus.library_menu()],
                conversation.moved_to(MENU),
            )
        if isinstance(event, UnfollowEvent):
            return Turn(forget=True)
        if isinstance(event, AccountLinkEvent):
            return self._my_page.on_account_link(event, conversation)
        if isinstance(event, PostbackEvent):
            action, params = postback.decode(event.postback.data)
            if action == TAB_SWITCH:
                return None  # the rich menu changed tab on the phone; that is the answer
            handler = self._postbacks.get(action)
            return handler(conversation, params) if handler else self._help(conversation)
        if isinstance(event, MessageEvent):
            if isinstance(event.message, TextMessageContent):
                return self._on_text(event.message.text.strip(), conversation)
            return self._help(conversation)
        return None

    def _on_text(self, typed: str, conversation: Conversation) -> Turn:
        if typed == texts.LIBRARY_TAB:
            return self._show_menu(conversation, {})
        if typed == texts.HOLDS_STATUS:
            return self._reservations.show_holds(conversation)
        if conversation.step in search_flow.STEPS:
            return self._search.on_text(typed, conversation)
        if self._registration.is_waiting_for_text(conversation):
            return self._registration.on_text(typed, conversation)
        return self._help(conversation)

    def _show_menu(self, conversation: Conversation, _params: dict) -> Turn:
        return Turn([menus.library_menu()], conversation.moved_to(MENU))

    def _show_card(self, conversation: Conversation, _params: dict) -> Turn:
        """利用者カード: the linked patron's card, or how to register or link."""
        patron = self._patrons.by_line_user(conversation.user_id)
        card = card_messages.card_answer(patron, self._card_url, self._library_name)
        return Turn([card], conversation.moved_to(MENU))

    def _help(self, conversation: Conversation) -> Turn:
        return Turn([messages.text(texts.HELP), menus.library_menu()], conversation.moved_to(MENU))

    def _back_to_menu(self, conversation: Conversation, said: str) -> Turn:
        return Turn([messages.text(said, [menus.back_to_menu()])], conversation.moved_to(MENU))

"""本の検索・予約: choose 書名 or 著者名, type a keyword, browse 10 books at a time.

Steps kept in the conversation: choosing the mode, waiting for a keyword, browsing results.
While browsing, whatever the patron types is a new keyword in the same mode. The next page's
cursor travels in the 「結果をさらに表示」 button itself, so a button from an older carousel
still shows the page after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..catalogue.index import Field, normalised_query
from ..catalogue.search import InvalidCursor, SearchPage
from ..line import messages, postback
from . import menus, search_messages, texts
from .state import Conversation
from .turn import Turn

CHOOSING = "search:choose"
WAITING_FOR_KEYWORD = "search:keyword"
BROWSING = "search:results"
STEPS = (CHOOSING, WAITING_FOR_KEYWORD, BROWSING)

START = menus.MENU_ACTIONS[texts.MENU_SEARCH]
CHOOSE = "search-by"

MODE_LABELS = {Field.TITLE: texts.SEARCH_BY_TITLE, Field.AUTHOR: texts.SEARCH_BY_AUTHOR}


class Searcher(Protocol):
    def search(self, field: Field, text: str) -> SearchPage: ...

    def next_page(self, cursor: str) -> SearchPage: ...


def _other(field: Field) -> Field:
    return Field.AUTHOR if field is Field.TITLE else Field.TITLE


def _mode_action(field: Field) -> dict:
    label = MODE_LABELS[field]
    return messages.postback_action(
        label, postback.encode(CHOOSE, field=field.value), display_text=label
    )


def _field_of(params: dict) -> Field | None:
    try:
        return Field(params.get("field", ""))
    except ValueError:
        return None


class SearchFlow:
    def __init__(self, searcher: Searcher, leave: Callable[[Conversation, str], Turn]) -> None:
        self._searcher = searcher
        self._leave = leave  # the dialogue's way back to the library menu, with a last word

    def postbacks(self) -> dict[str, Callable]:
        return {
            START: self.start,
            CHOOSE: self.choose,
            search_messages.MORE: self.more,
            search_messages.END: self.end,
        }

    def start(self, conversation: Conversation, _params: dict) -> Turn:
        choose = messages.text(
            texts.SEARCH_CHOOSE_MODE, [_mode_action(Field.TITLE), _mode_action(Field.AUTHOR)]
        )
        return Turn([choose], conversation.moved_to(CHOOSING))

    def choose(self, conversation: Conversation, params: dict) -> Turn:
        field = _field_of(params)
        if field is None:
            return self.start(conversation, {})
        keyword = params.get("keyword")
        if keyword:  # 「著者名で検索」 after nothing was found: the same keyword, other mode
            return self._search(conversation, field, keyword)
        prompt = messages.text(texts.search_prompt(MODE_LABELS[field]))
        return Turn([prompt], conversation.moved_to(WAITING_FOR_KEYWORD, field=field.value))

    def on_text(self, typed: str, conversation: Conversation) -> Turn:
        if conversation.step == CHOOSING:
            return self.start(conversation, {})
        field = _field_of(conversation.data)
        if field is None:
            return self.start(conversation, {})
        return self._search(conversation, field, typed)

    def _search(self, conversation: Conversation, field: Field, keyword: str) -> Turn:
        label = MODE_LABELS[field]
        if not normalised_query(keyword):
            return Turn(
                [messages.text(texts.search_empty_keyword(label))],
                conversation.moved_to(WAITING_FOR_KEYWORD, field=field.value),
            )
        page = self._searcher.search(field, keyword)
        browsing = conversation.moved_to(BROWSING, field=field.value, keyword=keyword)
        if not page.hits:
            other = _other(field)
            retry = messages.postback_action(
                texts.search_try_other(MODE_LABELS[other]),
                postback.encode(CHOOSE, field=other.value, keyword=keyword[:40]),
                display_text=texts.search_try_other(MODE_LABELS[other]),
            )
            end = messages.postback_action(
                texts.SEARCH_END,
                postback.encode(search_messages.END),
                display_text=texts.SEARCH_END,
            )
            answer = messages.text(texts.search_not_found(label, keyword), [retry, end])
            return Turn([answer], browsing)
        return Turn(search_messages.results(page, label, keyword), browsing)

    def more(self, conversation: Conversation, params: dict) -> Turn:
        try:
            page = self._searcher.next_page(params.get("c", ""))
        except InvalidCursor:
            page = None
        if page is None or not page.hits:
            stale = messages.text(
                texts.SEARCH_STALE, [_mode_action(Field.TITLE), _mode_action(Field.AUTHOR)]
            )
            return Turn([stale], conversation.moved_to(CHOOSING))
        keyword = conversation.data.get("keyword") if conversation.step == BROWSING else None
        label = MODE_LABELS[page.field]
        return Turn(
            search_messages.results(page, label, keyword or page.query),
            conversation.moved_to(BROWSING, field=page.field.value, keyword=keyword or page.query),
        )

    def end(self, conversation: Conversation, _params: dict) -> Turn:
        return self._leave(conversation, texts.SEARCH_ENDED)

"""マイページ from the chat, and LINE連携 without leaving it (the Messaging API account link).

マイページ answers with a button that opens My Page through LINE Login: a linked patron lands
on My Page, anyone else on its login page (the seed's steps 2–5). A patron not yet linked is
also offered 「LINE連携」 here: the bot issues a link token, the patron logs in on our page,
which sends them to LINE with a nonce bound to the patron; LINE then sends an `accountLink`
event carrying that nonce, and the link is made only when the nonce is ours and unused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlencode

from aws_lambda_powertools import Logger
from linebot.v3.webhooks import AccountLinkEvent

from ..line import messages, postback
from ..patrons.directory import AlreadyLinked, PatronDirectory, UnknownPatron
from ..privacy import mask_id
from . import menus, texts
from .reserve_messages import action_button, card
from .state import Conversation
from .turn import Turn

logger = Logger(child=True)

OPEN = menus.MENU_ACTIONS[texts.MENU_MYPAGE]
ACCOUNT_LINK = "account-link"
MYPAGE_PATH = "/mypage/line"
ACCOUNT_LINK_PATH = "/mypage/account-link"


class NonceRedeemer(Protocol):
    def consume(self, nonce: str) -> str | None:
        """The patron the nonce was issued for, once; None when unknown, used or expired."""
        ...


class MyPageFlow:
    def __init__(
        self,
        patrons: PatronDirectory,
        nonces: NonceRedeemer,
        link_token: Callable[[str], str],
        api_url: str,
    ) -> None:
        """`link_token(line_user_id)` asks LINE for an account-link token."""
        self._patrons = patrons
        self._nonces = nonces
        self._link_token = link_token
        self._api_url = api_url

    def postbacks(self) -> dict:
        return {OPEN: self.open, ACCOUNT_LINK: self.start_account_link}

    def open(self, conversation: Conversation, _params: dict) -> Turn:
        linked = self._patrons.by_line_user(conversation.user_id) is not None
        open_button = messages.button(
            messages.uri_action(texts.MYPAGE_OPEN, self._api_url + MYPAGE_PATH), "primary"
        )
        if linked:
            lines, buttons = [texts.MYPAGE_LINKED], [open_button]
        else:
            lines = [texts.MYPAGE_NOT_LINKED]
            buttons = [open_button, action_button(texts.MYPAGE_ACCOUNT_LINK, ACCOUNT_LINK)]
        return Turn([card(texts.MENU_MYPAGE, texts.MENU_MYPAGE, lines, buttons)])

    def start_account_link(self, conversation: Conversation, _params: dict) -> Turn:
        if self._patrons.by_line_user(conversation.user_id) is not None:
            return Turn([messages.text(texts.ACCOUNT_LINK_ALREADY, [menus.back_to_menu()])])
        token = self._link_token(conversation.user_id)
        url = f"{self._api_url}{ACCOUNT_LINK_PATH}?{urlencode({'linkToken': token})}"
        button = messages.button(messages.uri_action(texts.ACCOUNT_LINK_LOGIN, url), "primary")
        lines = [texts.ACCOUNT_LINK_INTRO]
        return Turn([card(texts.ACCOUNT_LINK_INTRO, texts.MYPAGE_ACCOUNT_LINK, lines, [button])])

    def on_account_link(self, event: AccountLinkEvent, conversation: Conversation) -> Turn:
        user = conversation.user_id
        patron_id = self._nonces.consume(event.link.nonce) if event.link.result == "ok" else None
        if patron_id is None:
            logger.info(
                "account link not made", extra={"user": mask_id(user), "result": event.link.result}
            )
            return self._failed()
        try:
            self._patrons.link_line(patron_id, user)
        except (AlreadyLinked, UnknownPatron) as refused:
            logger.info(
                "account link refused", extra={"user": mask_id(user), "why": type(refused).__name__}
            )
            return self._failed()
        logger.info("account linked", extra={"user": mask_id(user), "patron": mask_id(patron_id)})
        return Turn([messages.text(texts.ACCOUNT_LINK_DONE, [menus.back_to_menu()])])

    def _failed(self) -> Turn:
        retry = messages.postback_action(
            texts.MYPAGE_ACCOUNT_LINK,
            postback.encode(ACCOUNT_LINK),
            display_text=texts.MYPAGE_ACCOUNT_LINK,
        )
        return Turn([messages.text(texts.ACCOUNT_LINK_FAILED, [retry, menus.back_to_menu()])])

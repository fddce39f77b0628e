"""Processes one queued LINE event: load state, ask the dialogue, save, then answer.

State is saved before the answer is sent: if saving loses a race the event is retried on fresh
state and nothing was said twice; if sending fails the event is retried and the dialogue gives
the same answer from the saved step.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from aws_lambda_powertools import Logger
from linebot.v3.webhooks import Event

from ..line.messenger import LineMessenger, ReplyTokenRejected, retry_key_for
from ..privacy import mask_id
from ..storage.conversations import ConversationStore
from .dialogue import Dialogue, Turn

logger = Logger(child=True)

# Event types this bot acts on; anything else is logged and skipped.
HANDLED_EVENT_TYPES = {"follow", "unfollow", "message", "postback", "accountLink"}


class ConversationWorker:
    def __init__(
        self,
        dialogue: Dialogue,
        store: ConversationStore,
        messenger: LineMessenger,
        once_per_event: Callable[[Callable[..., dict]], Callable[..., dict]] = lambda fn: fn,
    ) -> None:
        self._dialogue = dialogue
        self._store = store
        self._messenger = messenger
        # Wrapping keeps the idempotency mechanism (Powertools, DynamoDB) out of this class.
        self._process_once = once_per_event(self._process)

    def handle_queued(self, body: str) -> None:
        """One queue message from the webhook; malformed ones are logged and dropped."""
        try:
            event = json.loads(body)["event"]
            event_id = event["webhookEventId"]
        except (ValueError, KeyError, TypeError):
            logger.error("dropping malformed queue message", extra={"bytes": len(body)})
            return
        if event.get("type") not in HANDLED_EVENT_TYPES:
            logger.info("skipping event type", extra={"type": event.get("type"), "id": event_id})
            return
        self._process_once(event=event)

    def _process(self, event: dict) -> dict:
        try:
            parsed = Event.from_dict(event)
        except ValueError as error:  # includes the SDK's pydantic validation errors
            logger.error(
                "skipping unparsable event",
                extra={"id": event.get("webhookEventId"), "error": type(error).__name__},
            )
            return {"outcome": "unparsable"}
        user_id = getattr(parsed.source, "user_id", None) if parsed.source else None
        if not user_id:
            logger.info("skipping event without a user", extra={"type": event["type"]})
            return {"outcome": "no-user"}
        turn = self._dialogue.on_event(parsed, self._store.load(user_id))
        if turn is None:
            return {"outcome": "ignored"}
        self._apply(turn, user_id)
        self._answer(turn, user_id, getattr(parsed, "reply_token", None), event["webhookEventId"])
        return {"outcome": "answered", "messages": len(turn.messages)}

    def _apply(self, turn: Turn, user_id: str) -> None:
        if turn.forget:
            self._store.forget(user_id)
            logger.info("conversation forgotten", extra={"user": mask_id(user_id)})
        elif turn.conversation is not None:
            self._store.save(turn.conversation)

    def _answer(self, turn: Turn, user_id: str, reply_token: str | None, event_id: str) -> None:
        if not turn.messages:
            return
        if reply_token:
            try:
                self._messenger.reply(reply_token, turn.messages)
                return
            except ReplyTokenRejected:
                # The event waited too long in the queue; the patron still deserves the answer.
                logger.warning("reply token rejected, pushing", extra={"user": mask_id(user_id)})
        self._messenger.push(user_id, turn.messages, retry_key_for("event", event_id))

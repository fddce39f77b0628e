"""Messaging API: reply, push, profile, link token, loading animation, bot info."""

from __future__ import annotations

from flask import Blueprint, g, request

from .. import ids
from ..message_validation import validate_messages
from ..responses import json_body, line_error, line_json, state, validation_error

bp = Blueprint("messaging", __name__)

# Only these message types can later be quoted, so only they get a quoteToken back.
_QUOTABLE = {"text", "textV2", "sticker"}


def _sent_messages(messages: list[dict]) -> list[dict]:
    sent = []
    for message in messages:
        entry = {"id": ids.message_id()}
        if message.get("type") in _QUOTABLE:
            entry["quoteToken"] = ids.quote_token()
        sent.append(entry)
    return sent


def _deliver(user_id: str, via: str, messages: list[dict], body: dict) -> list[dict]:
    sent = _sent_messages(messages)
    emulator = state()
    # A user who blocked the bot does not see the message, though LINE still answers 200.
    if emulator.users.is_friend(user_id):
        emulator.outbox.deliver(
            user_id, via, messages, sent, bool(body.get("notificationDisabled", False))
        )
    return sent


@bp.post("/v2/bot/message/reply")
def reply():
    body = json_body()
    details = validate_messages(body.get("messages"))
    if not isinstance(body.get("replyToken"), str) or not body["replyToken"]:
        details.insert(0, {"message": "must be specified", "property": "replyToken"})
    if details:
        return validation_error(details)
    token = state().reply_tokens.consume(body["replyToken"])
    if token is None:
        return line_error(400, "Invalid reply token")
    return line_json({"sentMessages": _deliver(token.user_id, "reply", body["messages"], body)})


@bp.post("/v2/bot/message/push")
def push():
    retry_key = request.headers.get("X-Line-Retry-Key")
    if retry_key is not None and not ids.is_uuid(retry_key):
        return line_error(400, "The value of the X-Line-Retry-Key header is invalid")
    body = json_body()
    to = body.get("to")
    if not isinstance(to, str) or not to:
        return validation_error([{"message": "must be specified", "property": "to"}])
    if not ids.is_user_id(to):
        return line_error(
            400, "The property, 'to', in the request body is invalid (line: -, column: -)"
        )
    details = validate_messages(body.get("messages"))
    if details:
        return validation_error(details)
    emulator = state()
    user = emulator.users.get(to)
    if user is None or not user.ever_followed:
        return line_error(400, "Failed to send messages")
    if retry_key is None:
        return line_json({"sentMessages": _deliver(to, "push", body["messages"], body)})
    with emulator.push_lock:
        accepted = emulator.retry_keys.accepted(retry_key)
        if accepted is not None:
            response = line_json(
                {
                    "message": "The retry key is already accepted",
                    "sentMessages": accepted.sent_messages,
                },
                409,
            )
            response.headers["x-line-accepted-request-id"] = accepted.request_id
            return response
        sent = _deliver(to, "push", body["messages"], body)
        emulator.retry_keys.accept(retry_key, g.line_request_id, sent)
    return line_json({"sentMessages": sent})


@bp.get("/v2/bot/profile/<user_id>")
def profile(user_id: str):
    user = state().users.get(user_id)
    if user is None or not user.friend:
        return line_error(404, "Not found")
    body = {"userId": user.user_id, "displayName": user.display_name, "language": "ja"}
    if user.picture_url:
        body["pictureUrl"] = user.picture_url
    return line_json(body)


@bp.post("/v2/bot/user/<user_id>/linkToken")
def link_token(user_id: str):
    emulator = state()
    if not emulator.users.is_friend(user_id):
        return line_error(400, "Failed to issue a link token: the user is not a friend")
    return line_json({"linkToken": emulator.link_tokens.issue(user_id)})


@bp.post("/v2/bot/chat/loading/start")
def loading_start():
    body = json_body()
    chat_id = body.get("chatId")
    seconds = body.get("loadingSeconds", 5)
    details = []
    if not ids.is_user_id(chat_id):
        details.append({"message": "must be a user ID", "property": "chatId"})
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds not in range(5, 61, 5):
        details.append(
            {"message": "must be a multiple of 5 from 5 to 60", "property": "loadingSeconds"}
        )
    if details:
        return validation_error(details)
    emulator = state()
    if emulator.users.is_friend(chat_id):
        emulator.outbox.start_loading(chat_id, seconds)
    return line_json({}, 202)


@bp.get("/v2/bot/info")
def bot_info():
    return line_json(
        {
            "userId": state().settings.bot_user_id,
            "basicId": "@devstack",
            "displayName": "LINE Emulator Bot",
            "chatMode": "bot",
            "markAsReadMode": "auto",
        }
    )

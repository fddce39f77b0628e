"""Test API for simulated users: friendship, sending as a user, reading what the bot sent."""

from __future__ import annotations

from flask import Blueprint, request

from .. import events, ids
from ..responses import json_body, line_json, sim_error, state

bp = Blueprint("sim_users", __name__)

MAX_WAIT_SECONDS = 30.0


def _delivery_response(delivery, extra: dict | None = None):
    body = {**(extra or {}), **delivery.as_json()}
    return line_json(body, 200 if delivery.ok else 502)


@bp.get("/_sim/users")
def list_users():
    return line_json({"users": [user.public() for user in state().users.all()]})


@bp.post("/_sim/users")
def create_user():
    """Makes a user who has not followed the bot (e.g. for LINE Login only)."""
    body = json_body()
    user_id = body.get("userId") or ids.user_id()
    if not ids.is_user_id(user_id):
        return sim_error(400, "userId must be U followed by 32 lowercase hex digits")
    user = state().users.ensure(user_id, body.get("displayName"), body.get("pictureUrl"))
    return line_json(user.public())


@bp.post("/_sim/users/<user_id>/follow")
def follow(user_id: str):
    if not ids.is_user_id(user_id):
        return sim_error(400, "userId must be U followed by 32 lowercase hex digits")
    body = json_body()
    emulator = state()
    user = emulator.users.ensure(user_id, body.get("displayName"), body.get("pictureUrl"))
    if user.friend:
        return line_json({**user.public(), "webhookEventId": None, "webhookStatus": None})
    unblocked = user.ever_followed
    user.friend = user.ever_followed = True
    delivery = emulator.webhooks.send("follow", user_id, events.follow_payload(unblocked))
    return _delivery_response(delivery, user.public())


@bp.post("/_sim/users/<user_id>/unfollow")
def unfollow(user_id: str):
    emulator = state()
    user = emulator.users.get(user_id)
    if user is None:
        return sim_error(404, "unknown user")
    if not user.friend:
        return line_json({**user.public(), "webhookEventId": None, "webhookStatus": None})
    user.friend = False
    delivery = emulator.webhooks.send("unfollow", user_id, {})
    return _delivery_response(delivery, user.public())


@bp.post("/_sim/users/<user_id>/messages")
def send_as_user(user_id: str):
    emulator = state()
    if not emulator.users.is_friend(user_id):
        return sim_error(409, "the user is not a friend; POST /_sim/users/<userId>/follow first")
    body = json_body()
    kind = body.get("type")
    if kind == "text" and isinstance(body.get("text"), str) and body["text"]:
        delivery = emulator.webhooks.send("message", user_id, events.text_payload(body["text"]))
    elif kind == "postback" and isinstance(body.get("data"), str):
        params = dict(body.get("params") or {})
        alias_id = params.get("newRichMenuAliasId")
        if alias_id and "status" not in params:
            params["status"] = emulator.richmenus.switch(user_id, alias_id)
        payload = events.postback_payload(body["data"], params)
        delivery = emulator.webhooks.send("postback", user_id, payload)
    else:
        return sim_error(400, "expected a text message or a postback")
    return _delivery_response(delivery)


@bp.get("/_sim/users/<user_id>/messages")
def messages_for(user_id: str):
    try:
        after = int(request.args.get("after", 0))
        wait = min(max(float(request.args.get("wait", 0)), 0.0), MAX_WAIT_SECONDS)
    except ValueError:
        return sim_error(400, "after must be an integer and wait a number of seconds")
    emulator = state()
    wake = request.args.get("wakeOnLoading") in ("1", "true")
    found = emulator.outbox.messages_after(user_id, after, wait, wake_on_loading=wake)
    return line_json({"messages": found, "loading": emulator.outbox.loading(user_id)})


@bp.get("/_sim/users/<user_id>/richmenu")
def richmenu_for(user_id: str):
    return line_json(state().richmenus.shown_to(user_id))

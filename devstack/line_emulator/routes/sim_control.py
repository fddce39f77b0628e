"""Test API for the emulator itself: clock, faults, logs, redelivery, rich menu images."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..faults import FAULT_BODIES
from ..responses import json_body, line_json, sim_error, state

bp = Blueprint("sim_control", __name__)


def _after() -> int:
    try:
        return int(request.args.get("after", 0))
    except ValueError:
        return 0


@bp.get("/_sim/config")
def config():
    settings = state().settings
    return line_json(
        {
            "botUserId": settings.bot_user_id,
            "webhookUrl": settings.webhook_url,
            "loginChannelId": settings.login_channel_id,
            "replyTokenTtlSeconds": settings.reply_token_ttl_seconds,
        }
    )


@bp.get("/_sim/clock")
def get_clock():
    clock = state().clock
    return line_json({"now": clock.iso(), "nowMs": clock.now_ms(), "offsetSeconds": clock.offset})


@bp.post("/_sim/clock")
def advance_clock():
    seconds = json_body().get("advanceSeconds")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        return sim_error(400, "advanceSeconds must be a non-negative number")
    state().clock.advance(seconds)
    return get_clock()


@bp.get("/_sim/faults")
def list_faults():
    return line_json({"faults": state().faults.pending()})


@bp.post("/_sim/faults")
def add_fault():
    body = json_body()
    path, status, count = body.get("path"), body.get("status"), body.get("count", 1)
    if not isinstance(path, str) or not path.startswith("/"):
        return sim_error(400, "path must be an absolute API path such as /v2/bot/message/push")
    if status not in FAULT_BODIES or not isinstance(count, int) or count < 1:
        return sim_error(400, f"status must be one of {sorted(FAULT_BODIES)} and count >= 1")
    state().faults.add(path, status, count)
    return list_faults()


@bp.delete("/_sim/faults")
def clear_faults():
    state().faults.clear()
    return line_json({"faults": {}})


@bp.get("/_sim/api-log")
def api_log():
    return line_json({"calls": state().api_log.after(_after())})


@bp.get("/_sim/webhooks")
def webhook_log():
    return line_json({"deliveries": state().webhooks.log_after(_after())})


@bp.post("/_sim/events/<webhook_event_id>/redeliver")
def redeliver(webhook_event_id: str):
    delivery = state().webhooks.redeliver(webhook_event_id)
    if delivery is None:
        return sim_error(404, "no event with that webhookEventId was delivered")
    return line_json(delivery.as_json(), 200 if delivery.ok else 502)


@bp.get("/_sim/richmenus/<menu_id>/content")
def richmenu_image(menu_id: str):
    """The menu image without the bearer token, for the chat page."""
    image = state().richmenus.image(menu_id)
    if image is None:
        return sim_error(404, "no image uploaded for this rich menu")
    return Response(image[1], mimetype=image[0])

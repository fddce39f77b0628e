"""Small builders for LINE message JSON. They return plain dicts: easy to test and to check."""

from __future__ import annotations

from .limits import MAX_ACTION_LABEL, MAX_TEXT, truncate


def postback_action(label: str, data: str, display_text: str | None = None) -> dict:
    action = {"type": "postback", "label": label, "data": data}
    if display_text:
        action["displayText"] = display_text
    return action


def message_action(label: str, text: str | None = None) -> dict:
    return {"type": "message", "label": label, "text": text or label}


def uri_action(label: str, uri: str) -> dict:
    return {"type": "uri", "label": label, "uri": uri}


def quick_reply(actions: list[dict]) -> dict:
    items = []
    for action in actions:
        action = dict(action, label=truncate(action["label"], MAX_ACTION_LABEL))
        items.append({"type": "action", "action": action})
    return {"items": items}


def text(body: str, quick_replies: list[dict] | None = None) -> dict:
    message = {"type": "text", "text": truncate(body, MAX_TEXT)}
    if quick_replies:
        message["quickReply"] = quick_reply(quick_replies)
    return message


def flex(alt_text: str, contents: dict, quick_replies: list[dict] | None = None) -> dict:
    message = {"type": "flex", "altText": alt_text, "contents": contents}
    if quick_replies:
        message["quickReply"] = quick_reply(quick_replies)
    return message


def button(action: dict, style: str = "secondary") -> dict:
    return {"type": "button", "style": style, "height": "sm", "action": action}


def text_block(body: str, **style) -> dict:
    return {"type": "text", "text": body, "wrap": True, **style}

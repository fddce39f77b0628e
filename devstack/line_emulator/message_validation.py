"""Checks reply/push message objects against the Messaging API's documented limits."""

from __future__ import annotations

import json

from .validation_common import Errors

MAX_BUBBLE_BYTES = 30_000
MAX_CAROUSEL_BYTES = 50_000
FLEX_COMPONENTS = {
    "box", "button", "image", "text", "icon", "separator", "filler", "spacer", "video", "span",
}  # fmt: skip


def validate_messages(messages) -> list[dict]:
    """Error details in LINE's shape; empty when the messages would be accepted."""
    errors = Errors()
    if not isinstance(messages, list):
        errors.add("messages", "must be specified")
        return errors.details
    if not 1 <= len(messages) <= 5:
        errors.add("messages", "Size must be between 1 and 5")
    for index, message in enumerate(messages):
        _message(errors, message, f"messages[{index}]")
    return errors.details


def _message(errors: Errors, message, prop: str) -> None:
    if not isinstance(message, dict):
        errors.add(prop, "must be an object")
        return
    check = _BY_TYPE.get(message.get("type"))
    if check is None:
        errors.add(f"{prop}.type", "Invalid message type")
        return
    check(errors, message, prop)
    if "quickReply" in message:
        _quick_reply(errors, message["quickReply"], f"{prop}.quickReply")


def _text(errors: Errors, message: dict, prop: str) -> None:
    errors.text(message, "text", prop, 1, 5000)


def _sticker(errors: Errors, message: dict, prop: str) -> None:
    for key in ("packageId", "stickerId"):
        if not isinstance(message.get(key), str) or not message[key]:
            errors.add(f"{prop}.{key}", "must be specified")


def _image(errors: Errors, message: dict, prop: str) -> None:
    errors.url(message, "originalContentUrl", prop)
    errors.url(message, "previewImageUrl", prop)


def _audio(errors: Errors, message: dict, prop: str) -> None:
    errors.url(message, "originalContentUrl", prop)
    if not isinstance(message.get("duration"), int):
        errors.add(f"{prop}.duration", "must be specified")


def _location(errors: Errors, message: dict, prop: str) -> None:
    errors.text(message, "title", prop, 1, 100)
    errors.text(message, "address", prop, 1, 100)
    for key in ("latitude", "longitude"):
        if not isinstance(message.get(key), (int, float)):
            errors.add(f"{prop}.{key}", "must be specified")


def _imagemap(errors: Errors, message: dict, prop: str) -> None:
    errors.url(message, "baseUrl", prop)
    errors.text(message, "altText", prop, 1, 1500)
    if not isinstance(message.get("baseSize"), dict):
        errors.add(f"{prop}.baseSize", "must be specified")
    for index, action in enumerate(errors.array(message, "actions", prop, 0, 50)):
        errors.action(action, f"{prop}.actions[{index}]", "imagemap", 50, False)


def _template(errors: Errors, message: dict, prop: str) -> None:
    errors.text(message, "altText", prop, 1, 400)
    template = message.get("template")
    prop = f"{prop}.template"
    if not isinstance(template, dict):
        errors.add(prop, "must be specified")
        return
    kind = template.get("type")
    if kind == "buttons":
        short = bool(template.get("title") or template.get("thumbnailImageUrl"))
        errors.text(template, "text", prop, 1, 60 if short else 160)
        errors.text(template, "title", prop, 1, 40, required=False)
        _template_actions(errors, template, prop, 1, 4)
    elif kind == "confirm":
        errors.text(template, "text", prop, 1, 240)
        _template_actions(errors, template, prop, 2, 2)
    elif kind == "carousel":
        for index, column in enumerate(errors.array(template, "columns", prop, 1, 10)):
            column_prop = f"{prop}.columns[{index}]"
            if not isinstance(column, dict):
                errors.add(column_prop, "must be an object")
                continue
            short = bool(column.get("title") or column.get("thumbnailImageUrl"))
            errors.text(column, "text", column_prop, 1, 60 if short else 120)
            errors.text(column, "title", column_prop, 1, 40, required=False)
            _template_actions(errors, column, column_prop, 1, 3)
    elif kind == "image_carousel":
        for index, column in enumerate(errors.array(template, "columns", prop, 1, 10)):
            column_prop = f"{prop}.columns[{index}]"
            if not isinstance(column, dict):
                errors.add(column_prop, "must be an object")
                continue
            errors.url(column, "imageUrl", column_prop)
            errors.action(column.get("action"), f"{column_prop}.action", "template", 12, False)
    else:
        errors.add(f"{prop}.type", "Invalid template type")


def _template_actions(errors: Errors, owner: dict, prop: str, low: int, high: int) -> None:
    for index, action in enumerate(errors.array(owner, "actions", prop, low, high)):
        errors.action(action, f"{prop}.actions[{index}]", "template", 20, True)
    if "defaultAction" in owner:
        errors.action(owner["defaultAction"], f"{prop}.defaultAction", "template", 20, False)


def _flex(errors: Errors, message: dict, prop: str) -> None:
    errors.text(message, "altText", prop, 1, 1500)
    contents = message.get("contents")
    prop = f"{prop}.contents"
    if not isinstance(contents, dict):
        errors.add(prop, "must be specified")
        return
    if contents.get("type") == "bubble":
        _bubble(errors, contents, prop)
    elif contents.get("type") == "carousel":
        if _json_bytes(contents) > MAX_CAROUSEL_BYTES:
            errors.add(prop, f"Size must be at most {MAX_CAROUSEL_BYTES} bytes")
        for index, bubble in enumerate(errors.array(contents, "contents", prop, 1, 12)):
            _bubble(errors, bubble, f"{prop}.contents[{index}]")
    else:
        errors.add(f"{prop}.type", "Invalid flex container type")


def _bubble(errors: Errors, bubble, prop: str) -> None:
    if not isinstance(bubble, dict) or bubble.get("type") != "bubble":
        errors.add(f"{prop}.type", "must be bubble")
        return
    if _json_bytes(bubble) > MAX_BUBBLE_BYTES:
        errors.add(prop, f"Size must be at most {MAX_BUBBLE_BYTES} bytes")
    for block in ("header", "hero", "body", "footer"):
        if block in bubble:
            _component(errors, bubble[block], f"{prop}.{block}")
    if "action" in bubble:
        errors.action(bubble["action"], f"{prop}.action", "flex", 40, False)


def _component(errors: Errors, component, prop: str) -> None:
    if not isinstance(component, dict):
        errors.add(prop, "must be an object")
        return
    kind = component.get("type")
    if kind not in FLEX_COMPONENTS:
        errors.add(f"{prop}.type", "Invalid flex component type")
        return
    if kind == "box":
        if component.get("layout") not in ("horizontal", "vertical", "baseline"):
            errors.add(f"{prop}.layout", "must be one of horizontal, vertical, baseline")
        for index, child in enumerate(errors.array(component, "contents", prop, 0, 1000)):
            _component(errors, child, f"{prop}.contents[{index}]")
    elif kind == "button":
        errors.action(component.get("action"), f"{prop}.action", "flex", 40, True)
    elif kind == "image" or kind == "icon":
        errors.url(component, "url", prop)
    elif kind == "text" and "contents" not in component:
        errors.text(component, "text", prop, 1, 2000)
    if kind != "button" and "action" in component:
        errors.action(component["action"], f"{prop}.action", "flex", 40, False)


def _quick_reply(errors: Errors, quick_reply, prop: str) -> None:
    if not isinstance(quick_reply, dict):
        errors.add(prop, "must be an object")
        return
    for index, item in enumerate(errors.array(quick_reply, "items", prop, 1, 13)):
        item_prop = f"{prop}.items[{index}]"
        if not isinstance(item, dict) or item.get("type") != "action":
            errors.add(f"{item_prop}.type", "must be action")
            continue
        errors.url(item, "imageUrl", item_prop, required=False, max_length=2000)
        errors.action(item.get("action"), f"{item_prop}.action", "quickReply", 20, True)


def _json_bytes(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


_BY_TYPE = {
    "text": _text,
    "textV2": _text,
    "sticker": _sticker,
    "image": _image,
    "video": _image,
    "audio": _audio,
    "location": _location,
    "imagemap": _imagemap,
    "template": _template,
    "flex": _flex,
}

"""LINE's message limits, checked in one place before anything is sent.

The SDK does not check most of these; LINE answers 400 and the patron sees nothing. Every
outgoing message passes `check_messages`, so no caller can send an invalid one.
"""

from __future__ import annotations

import json

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_ALT_TEXT = 1500
MAX_TEMPLATE_ALT_TEXT = 400
MAX_CAROUSEL_BUBBLES = 12
MAX_BUBBLE_BYTES = 30 * 1024
MAX_CAROUSEL_BYTES = 50 * 1024
MAX_QUICK_REPLY_ITEMS = 13
MAX_QUICK_REPLY_LABEL = 20
MAX_ACTION_LABEL = 20
MAX_FLEX_BUTTON_LABEL = 40
MAX_POSTBACK_DATA = 300
MAX_DISPLAY_TEXT = 300


class MessageLimitError(ValueError):
    """A message LINE would refuse; `property` names the offending field as LINE does."""

    def __init__(self, prop: str, message: str) -> None:
        super().__init__(f"{prop}: {message}")
        self.property = prop


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten display text to fit a limit (for titles and names, never for data)."""
    return text if len(text) <= limit else text[: max(0, limit - len(ellipsis))] + ellipsis


def _json_size(value: dict) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _check_action(action: dict, prop: str, label_limit: int) -> None:
    label = action.get("label")
    if label is not None and not (0 < len(label) <= label_limit):
        raise MessageLimitError(f"{prop}.label", f"must be 1 to {label_limit} characters")
    data = action.get("data")
    if data is not None and not (0 < len(data) <= MAX_POSTBACK_DATA):
        raise MessageLimitError(f"{prop}.data", f"must be 1 to {MAX_POSTBACK_DATA} characters")
    display = action.get("displayText")
    if display is not None and not (0 < len(display) <= MAX_DISPLAY_TEXT):
        raise MessageLimitError(f"{prop}.displayText", f"must be 1 to {MAX_DISPLAY_TEXT} chars")
    if action.get("type") == "message" and not (0 < len(action.get("text", "")) <= MAX_TEXT):
        raise MessageLimitError(f"{prop}.text", "must not be empty")


def _walk_flex(node: dict, prop: str) -> None:
    if not isinstance(node, dict):
        return
    if node.get("type") == "button":
        _check_action(node.get("action") or {}, f"{prop}.action", MAX_FLEX_BUTTON_LABEL)
    elif isinstance(node.get("action"), dict):
        _check_action(node["action"], f"{prop}.action", MAX_FLEX_BUTTON_LABEL)
    for key in ("header", "hero", "body", "footer"):
        if isinstance(node.get(key), dict):
            _walk_flex(node[key], f"{prop}.{key}")
    for index, child in enumerate(node.get("contents") or []):
        if isinstance(child, dict):
            _walk_flex(child, f"{prop}.contents[{index}]")


def _check_flex(message: dict, prop: str) -> None:
    alt = message.get("altText", "")
    if not (0 < len(alt) <= MAX_ALT_TEXT):
        raise MessageLimitError(f"{prop}.altText", f"must be 1 to {MAX_ALT_TEXT} characters")
    contents = message.get("contents") or {}
    if contents.get("type") == "carousel":
        bubbles = contents.get("contents") or []
        if not (0 < len(bubbles) <= MAX_CAROUSEL_BUBBLES):
            raise MessageLimitError(
                f"{prop}.contents.contents", f"must hold 1 to {MAX_CAROUSEL_BUBBLES} bubbles"
            )
        if _json_size(contents) > MAX_CAROUSEL_BYTES:
            raise MessageLimitError(f"{prop}.contents", "carousel is larger than 50 KB")
        for index, bubble in enumerate(bubbles):
            if _json_size(bubble) > MAX_BUBBLE_BYTES:
                raise MessageLimitError(f"{prop}.contents.contents[{index}]", "bubble > 30 KB")
    elif _json_size(contents) > MAX_BUBBLE_BYTES:
        raise MessageLimitError(f"{prop}.contents", "bubble is larger than 30 KB")
    _walk_flex(contents, f"{prop}.contents")


def _check_quick_reply(quick_reply: dict, prop: str) -> None:
    items = quick_reply.get("items") or []
    if not (0 < len(items) <= MAX_QUICK_REPLY_ITEMS):
        raise MessageLimitError(f"{prop}.items", f"must hold 1 to {MAX_QUICK_REPLY_ITEMS} items")
    for index, item in enumerate(items):
        _check_action(item.get("action") or {}, f"{prop}.items[{index}].action", MAX_ACTION_LABEL)


def check_messages(messages: list[dict]) -> None:
    """Raise MessageLimitError for the first thing LINE would refuse."""
    if not (0 < len(messages) <= MAX_MESSAGES):
        raise MessageLimitError("messages", f"must hold 1 to {MAX_MESSAGES} messages")
    for index, message in enumerate(messages):
        prop = f"messages[{index}]"
        kind = message.get("type")
        if kind == "text":
            if not (0 < len(message.get("text", "")) <= MAX_TEXT):
                raise MessageLimitError(f"{prop}.text", f"must be 1 to {MAX_TEXT} characters")
        elif kind == "flex":
            _check_flex(message, prop)
        elif kind == "template":
            if not (0 < len(message.get("altText", "")) <= MAX_TEMPLATE_ALT_TEXT):
                raise MessageLimitError(f"{prop}.altText", "must be 1 to 400 characters")
            for a_index, action in enumerate((message.get("template") or {}).get("actions", [])):
                _check_action(action, f"{prop}.template.actions[{a_index}]", MAX_ACTION_LABEL)
        if "quickReply" in message:
            _check_quick_reply(message["quickReply"], f"{prop}.quickReply")

"""Shared pieces of LINE request validation: error collection, lengths and actions."""

from __future__ import annotations

from urllib.parse import urlparse

_URI_SCHEMES = ("http", "https", "line", "tel")
# Which action types each place accepts, per the Messaging API reference.
_COMMON_ACTIONS = {"postback", "message", "uri", "datetimepicker", "clipboard"}
ACTIONS_BY_CONTEXT = {
    "quickReply": _COMMON_ACTIONS | {"camera", "cameraRoll", "location"},
    "template": _COMMON_ACTIONS,
    "flex": _COMMON_ACTIONS,
    "imagemap": {"uri", "message", "clipboard"},
    "richmenu": _COMMON_ACTIONS | {"richmenuswitch"},
}


def text_length(value: str) -> int:
    """LINE counts UTF-16 code units, so an emoji outside the BMP counts as two."""
    return len(value.encode("utf-16-le")) // 2


def is_web_url(value: object, schemes=("http", "https")) -> bool:
    if not isinstance(value, str):
        return False
    parsed = urlparse(value)
    return parsed.scheme in schemes and bool(parsed.netloc)


class Errors:
    """Collects LINE-style error details: {"message": ..., "property": ...}."""

    def __init__(self) -> None:
        self.details: list[dict] = []

    def add(self, prop: str, message: str) -> None:
        self.details.append({"message": message, "property": prop})

    def text(self, obj: dict, key: str, prop: str, low: int, high: int, required=True) -> None:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{prop}.{key}", "must be specified")
            return
        if not isinstance(value, str):
            self.add(f"{prop}.{key}", "must be a string")
            return
        if not low <= text_length(value) <= high:
            self.add(f"{prop}.{key}", f"Length must be between {low} and {high}")

    def array(self, obj: dict, key: str, prop: str, low: int, high: int) -> list:
        value = obj.get(key)
        if not isinstance(value, list):
            self.add(f"{prop}.{key}", "must be specified")
            return []
        if not low <= len(value) <= high:
            message = (
                f"Size must be {low}" if low == high else f"Size must be between {low} and {high}"
            )
            self.add(f"{prop}.{key}", message)
        return value

    def url(self, obj: dict, key: str, prop: str, required=True, max_length=2000) -> None:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{prop}.{key}", "must be specified")
            return
        if not is_web_url(value) or len(value) > max_length:
            self.add(f"{prop}.{key}", "must be a valid HTTPS URL")

    def action(self, action, prop: str, context: str, label_max: int | None, label_required: bool):
        if not isinstance(action, dict):
            self.add(prop, "must be specified")
            return
        kind = action.get("type")
        if kind not in ACTIONS_BY_CONTEXT[context]:
            self.add(f"{prop}.type", f"Invalid action type for {context}: {kind!r}")
            return
        if label_max is not None:
            self.text(action, "label", prop, 1, label_max, required=label_required)
        if kind == "postback":
            self.text(action, "data", prop, 1, 300)
            self.text(action, "displayText", prop, 1, 300, required=False)
            self.text(action, "text", prop, 1, 300, required=False)
        elif kind == "message":
            self.text(action, "text", prop, 1, 300)
        elif kind == "uri":
            self.text(action, "uri", prop, 1, 1000)
            uri = action.get("uri")
            if isinstance(uri, str) and urlparse(uri).scheme not in _URI_SCHEMES:
                self.add(f"{prop}.uri", "must be a http, https, line or tel URI")
        elif kind == "datetimepicker":
            self.text(action, "data", prop, 1, 300)
            if action.get("mode") not in ("date", "time", "datetime"):
                self.add(f"{prop}.mode", "must be one of date, time, datetime")
        elif kind == "richmenuswitch":
            self.text(action, "data", prop, 1, 300)
            self.text(action, "richMenuAliasId", prop, 1, 32)
        elif kind == "clipboard":
            self.text(action, "clipboardText", prop, 1, 1000)

"""Postback data: a short query string, so old buttons stay readable by newer code."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from .limits import MAX_POSTBACK_DATA


def encode(action: str, **params: str) -> str:
    data = urlencode({"action": action, **params})
    if len(data) > MAX_POSTBACK_DATA:
        raise ValueError(f"postback data is {len(data)} characters; LINE allows 300")
    return data


def decode(data: str) -> tuple[str, dict[str, str]]:
    """The action name and its parameters; unknown or garbled data gives action ''."""
    params = dict(parse_qsl(data or "", keep_blank_values=True))
    return params.pop("action", ""), params

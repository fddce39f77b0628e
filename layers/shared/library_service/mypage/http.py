"""Requests and responses of the My Page site, and their HTTP API (payload 2.0) form."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl

from aws_lambda_powertools import Logger

from ..web.pages import SECURITY_HEADERS, request_base_url

logger = Logger(child=True)

COOKIE = "mypage_session"
COOKIE_PATH = "/mypage"
MAX_FORM_BYTES = 16 * 1024  # the largest form here is a few hundred bytes


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    base_url: str  # the API as the browser reached it, e.g. https://abc.execute-api…
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def session_id(self) -> str | None:
        return self.cookies.get(COOKIE)


@dataclass
class Response:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)


def redirect(location: str) -> Response:
    return Response(303, headers={"Location": location})


def session_cookie(session_id: str | None, secure: bool, max_age: int) -> str:
    """HttpOnly, SameSite=Lax, Secure except over plain HTTP (the devstack on localhost);
    `session_id` None clears the cookie."""
    parts = [f"{COOKIE}={session_id or ''}", f"Path={COOKIE_PATH}", "HttpOnly", "SameSite=Lax"]
    parts.append(f"Max-Age={max_age if session_id else 0}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def from_http_api(event: dict) -> Request:
    cookies: dict[str, str] = {}
    for header in event.get("cookies") or []:
        jar = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            logger.info("ignoring a garbled cookie header")
        cookies.update({name: morsel.value for name, morsel in jar.items()})
    http = event.get("requestContext", {}).get("http", {})
    return Request(
        method=http.get("method", "GET").upper(),
        path=event.get("rawPath") or http.get("path", "/"),
        base_url=request_base_url(event),
        query=event.get("queryStringParameters") or {},
        form=_form(event),
        cookies=cookies,
    )


def _form(event: dict) -> dict[str, str]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    if len(raw) > MAX_FORM_BYTES:
        return {}
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=20))
    except (UnicodeDecodeError, ValueError):
        return {}


def to_http_api(response: Response) -> dict:
    headers = dict(response.headers)
    if response.body:
        headers = {**SECURITY_HEADERS, **headers}
    else:
        headers.setdefault("Cache-Control", "no-store")
        headers.setdefault("Referrer-Policy", "no-referrer")
    return {
        "statusCode": response.status,
        "headers": headers,
        "cookies": response.cookies,
        "body": response.body,
    }

"""Cross-cutting rules for API calls: bearer auth, injected faults, request ids, the API log."""

from __future__ import annotations

import hmac

from flask import g, request

from . import ids
from .responses import line_error, line_json, state

_AUTH_FAILED = (
    "Authentication failed. Confirm that the access token in the authorization header is valid."
)


def _is_bot_api(path: str) -> bool:
    return path.startswith("/v2/bot/")


def _is_logged(path: str) -> bool:
    return path.startswith("/v2/") or path.startswith("/oauth2/")


def guard_bot_api():
    """Runs before every request; answers early for bad tokens and injected faults."""
    g.line_request_id = ids.request_id()
    if not _is_bot_api(request.path):
        return None
    emulator = state()
    expected = f"Bearer {emulator.settings.channel_access_token}"
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return line_error(401, _AUTH_FAILED)
    fault = emulator.faults.take(request.path)
    if fault is not None:
        return line_json(fault[1], fault[0])
    return None


def finish_api_call(response):
    """Runs after every request: stamps LINE's request id header and logs API calls."""
    if _is_bot_api(request.path):
        response.headers["X-Line-Request-Id"] = g.get("line_request_id", "")
    if _is_logged(request.path):
        entry_request = _describe_request()
        state().api_log.record(
            request.method, request.path, response.status_code, entry_request, _describe(response)
        )
    return response


def _describe_request():
    if request.form:
        return request.form.to_dict()
    data = request.get_data()
    if not data:
        return None
    if request.is_json:
        body = request.get_json(silent=True)
        if body is not None:
            if request.headers.get("X-Line-Retry-Key") and isinstance(body, dict):
                return {**body, "X-Line-Retry-Key": request.headers["X-Line-Retry-Key"]}
            return body
    return f"<{len(data)} bytes {request.content_type or 'no content type'}>"


def _describe(response):
    if response.direct_passthrough:
        return f"<file {response.mimetype}>"
    if response.is_json:
        return response.get_json(silent=True)
    data = response.get_data()
    return f"<{len(data)} bytes {response.mimetype}>" if data else None


def json_not_found(error):
    if request.path.startswith("/v2/") or request.path.startswith("/_sim/"):
        return line_error(error.code, "Not found" if error.code == 404 else error.name)
    return error

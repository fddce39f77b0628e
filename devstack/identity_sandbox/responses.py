"""Response helpers shared by the routes."""

from __future__ import annotations

from flask import current_app, jsonify, render_template

from .state import SandboxState


def state() -> SandboxState:
    return current_app.extensions["identity_sandbox"]


def json_response(body, status: int = 200, headers: dict | None = None):
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def json_error(status: int, message: str):
    return json_response({"error": message}, status)


def oauth_error(error: str, description: str, status: int = 400, headers: dict | None = None):
    # RFC 6749 5.2: token errors must not be cached any more than tokens.
    no_store = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    body = {"error": error, "error_description": description}
    return json_response(body, status, {**no_store, **(headers or {})})


def error_page(status: int, title: str, problem: str):
    return render_template("error.html", title=title, problem=problem), status

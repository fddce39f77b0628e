"""Response helpers in the shapes LINE's APIs use."""

from __future__ import annotations

from flask import current_app, jsonify, request

from .state import EmulatorState


def state() -> EmulatorState:
    return current_app.extensions["line_emulator"]


def line_json(body: dict, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    return response


def line_error(status: int, message: str, details: list[dict] | None = None):
    body: dict = {"message": message}
    if details is not None:
        body["details"] = details
    return line_json(body, status)


def validation_error(details: list[dict]):
    return line_error(400, f"The request body has {len(details)} error(s)", details)


def oauth_error(error: str, description: str, status: int = 400):
    return line_json({"error": error, "error_description": description}, status)


def sim_error(status: int, message: str):
    return line_json({"error": message}, status)


class BadJson(Exception):
    pass


def json_body() -> dict:
    """The JSON object in the request; raises BadJson so callers can answer in their own shape."""
    body = request.get_json(silent=True, force=True) if request.get_data() else {}
    if not isinstance(body, dict):
        raise BadJson
    return body

"""Test helper API (no auth, JSON): what the sandbox did, for tests to check."""

from __future__ import annotations

from flask import Blueprint

from .responses import json_response, state

bp = Blueprint("sandbox_api", __name__, url_prefix="/_sandbox")


@bp.get("/webhooks")
def webhooks():
    """Every face webhook delivery attempted, oldest first."""
    return json_response([delivery.as_json() for delivery in state().face.deliveries()])

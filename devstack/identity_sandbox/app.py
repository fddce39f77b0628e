"""Assembles the sandbox's Flask app: the JPKI provider, the face provider and the test API."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request

from . import face, jpki, sandbox_api
from .responses import error_page, json_error
from .state import SandboxState

PACKAGE_DIR = Path(__file__).resolve().parent
# Pages a browser opens; everything else is an API and answers errors in JSON.
_PAGE_PREFIXES = ("/jpki/authorize", "/face/sessions/")


def create_app(sandbox_state: SandboxState) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(PACKAGE_DIR / "static"),
        static_url_path="/static",
        template_folder=str(PACKAGE_DIR / "templates"),
    )
    app.extensions["identity_sandbox"] = sandbox_state
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    for module in (jpki, face, sandbox_api):
        app.register_blueprint(module.bp)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(405, _not_found)
    return app


def _not_found(error):
    if request.path.startswith(_PAGE_PREFIXES):
        return error_page(error.code, "ページが見つかりません", "このアドレスは使えません")
    return json_error(error.code, error.description or "not found")

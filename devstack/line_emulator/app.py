"""Assembles the emulator's Flask app: LINE's API paths, the test API and the chat page."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, send_from_directory

from . import gatekeeper
from .responses import BadJson, line_error, sim_error
from .routes import account_link, login, messaging, richmenu, sim_control, sim_users
from .state import EmulatorState

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"


def create_app(emulator_state: EmulatorState) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(STATIC_DIR),
        static_url_path="/static",
        template_folder=str(PACKAGE_DIR / "templates"),
    )
    app.extensions["line_emulator"] = emulator_state
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # The chat page is edited while the emulator runs; never serve a stale script.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 0
    for module in (messaging, richmenu, sim_users, sim_control, login, account_link):
        app.register_blueprint(module.bp)
    app.before_request(gatekeeper.guard_bot_api)
    app.after_request(gatekeeper.finish_api_call)
    app.register_error_handler(BadJson, _bad_json)
    app.register_error_handler(404, gatekeeper.json_not_found)
    app.register_error_handler(405, gatekeeper.json_not_found)
    app.add_url_rule("/", "chat_page", lambda: send_from_directory(STATIC_DIR, "index.html"))
    return app


def _bad_json(_error):
    if request.path.startswith("/_sim/"):
        return sim_error(400, "the request body must be a JSON object")
    return line_error(400, "The request body could not be parsed as a JSON object")

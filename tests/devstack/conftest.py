"""Fixtures for the LINE emulator tests: a real webhook receiver and a running emulator."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from devstack.line_emulator import EmulatorSettings, LineEmulator

CHANNEL_SECRET = "test-channel-secret"
ACCESS_TOKEN = "test-channel-access-token"
BOT_USER_ID = "U" + "b" * 32
LOGIN_CHANNEL_ID = "1656000000"
LOGIN_CHANNEL_SECRET = "test-login-channel-secret"


@dataclass
class Delivery:
    headers: dict
    body: bytes
    payload: dict
    signature_ok: bool

    @property
    def event(self) -> dict:
        return self.payload["events"][0]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class WebhookReceiver:
    """Stands in for the bot: records every signed delivery and answers `status`."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.status = 200
        self.on_event: Callable[[dict], None] | None = None
        self._server = make_server(
            "127.0.0.1", 0, self._app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}/webhook"

    def _app(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        expected = base64.b64encode(
            hmac.new(CHANNEL_SECRET.encode(), body, hashlib.sha256).digest()
        ).decode()
        given = request.headers.get("X-Line-Signature", "")
        delivery = Delivery(
            dict(request.headers), body, json.loads(body), hmac.compare_digest(given, expected)
        )
        self.deliveries.append(delivery)
        if self.on_event is not None:
            self.on_event(delivery.event)
        return Response("", status=self.status)(environ, start_response)

    def events(self, kind: str) -> list[dict]:
        return [d.event for d in self.deliveries if d.event["type"] == kind]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Client:
    """Talks to the emulator over real HTTP, without any proxy from the environment."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False

    def request(self, method: str, path: str, token: str | None = ACCESS_TOKEN, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", 40)
        return self.session.request(method, self.base_url + path, headers=headers, **kwargs)

    def bot(self, method: str, path: str, **kwargs):
        return self.request(method, path, **kwargs)

    def sim(self, method: str, path: str, **kwargs):
        return self.request(method, path, token=None, **kwargs)

    def follow(self, user_id: str, display_name: str = "図書 花子") -> dict:
        response = self.sim(
            "POST", f"/_sim/users/{user_id}/follow", json={"displayName": display_name}
        )
        assert response.status_code == 200, response.text
        return response.json()

    def say(self, user_id: str, text: str) -> dict:
        response = self.sim(
            "POST", f"/_sim/users/{user_id}/messages", json={"type": "text", "text": text}
        )
        assert response.status_code == 200, response.text
        return response.json()

    def inbox(self, user_id: str, after: int = 0, wait: float = 0) -> list[dict]:
        response = self.sim(
            "GET", f"/_sim/users/{user_id}/messages", params={"after": after, "wait": wait}
        )
        assert response.status_code == 200, response.text
        return response.json()["messages"]


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def emulator(receiver):
    settings = EmulatorSettings(
        host="127.0.0.1",
        port=0,
        channel_secret=CHANNEL_SECRET,
        channel_access_token=ACCESS_TOKEN,
        webhook_url=receiver.url,
        bot_user_id=BOT_USER_ID,
        login_channel_id=LOGIN_CHANNEL_ID,
        login_channel_secret=LOGIN_CHANNEL_SECRET,
        reply_token_ttl_seconds=60,
    )
    emu = LineEmulator(settings)
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def client(emulator):
    return Client(emulator.url)


@pytest.fixture
def friend(client) -> str:
    user_id = "U" + "1" * 32
    client.follow(user_id)
    return user_id

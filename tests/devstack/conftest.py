"""Fixtures for the LINE emulator tests: a real webhook receiver and a running emulator."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
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


# --- EventBridge rules and schedules: a synthetic template on a real moto server ---------------

EVENTS_REGION = "ap-northeast-1"
TEST_BUS = "devstack-test-bus"
FAILED_EVENTS_ARN = {"Fn::GetAtt": ["FailedEvents", "Arn"]}


def events_template(record_file: str) -> dict:
    """One recording function wired to rules and schedules the way template.yaml would."""
    return {
        "Resources": {
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": TEST_BUS}},
            "FailedEvents": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"QueueName": "devstack-test-failed-events"},
            },
            "Recorder": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "tests/devstack/functions/recorder/",
                    "Handler": "app.handler",
                    "Timeout": 5,
                    "Environment": {"Variables": {"RECORD_FILE": record_file}},
                    "Events": {
                        "HoldReady": {
                            "Type": "EventBridgeRule",
                            "Properties": {
                                "EventBusName": {"Ref": "Bus"},
                                "Pattern": {
                                    "source": ["library.holds"],
                                    "detail-type": ["HoldReady"],
                                    "detail": {"branch": [{"prefix": "中央"}]},
                                },
                            },
                        },
                        "Flaky": {
                            "Type": "EventBridgeRule",
                            "Properties": {
                                "EventBusName": {"Fn::GetAtt": ["Bus", "Arn"]},
                                "Pattern": {"source": ["library.test"], "detail-type": ["Flaky"]},
                                "RetryPolicy": {"MaximumRetryAttempts": 1},
                                "DeadLetterConfig": {
                                    "Arn": {"Fn::GetAtt": ["FailedEvents", "Arn"]}
                                },
                            },
                        },
                        "OnDefaultBus": {
                            "Type": "CloudWatchEvent",
                            "Properties": {
                                "Pattern": {"source": ["devstack.test.default-bus"]},
                                "Input": '{"fixed": "input"}',
                            },
                        },
                        "Off": {
                            "Type": "EventBridgeRule",
                            "Properties": {
                                "EventBusName": {"Ref": "Bus"},
                                "Pattern": {"source": ["library.off"]},
                                "State": "DISABLED",
                            },
                        },
                        "Nightly": {
                            "Type": "Schedule",
                            "Properties": {"Schedule": "cron(0 15 * * ? *)"},
                        },
                        "Hourly": {
                            "Type": "ScheduleV2",
                            "Properties": {
                                "ScheduleExpression": "rate(1 hour)",
                                "Input": '{"job": "hourly"}',
                                "DeadLetterConfig": {"Type": "SQS"},
                            },
                        },
                        "Broken": {
                            "Type": "Schedule",
                            "Properties": {"Schedule": "rate(1 minute)", "Input": '{"fail": true}'},
                        },
                        "Paused": {
                            "Type": "Schedule",
                            "Properties": {"Schedule": "rate(5 minutes)", "Enabled": False},
                        },
                    },
                },
            },
        }
    }


class Recording:
    """What the recorder function wrote: every event it was invoked with, in order."""

    def __init__(self, path) -> None:
        self.path = path

    def events(self) -> list:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text("utf-8").splitlines()]

    def wait_for(self, predicate, count: int = 1, timeout: float = 15) -> list:
        deadline = time.monotonic() + timeout
        while True:
            found = [event for event in self.events() if predicate(event)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@dataclass
class EventsRig:
    stack: object
    clients: object
    invoke: Callable
    invoker: object
    rules: list
    log: Callable[[str, str], None]
    logs: list
    recording: Recording


@pytest.fixture(scope="package")
def events_rig(tmp_path_factory):
    """The devstack's EventBridge and schedule parts, as Devstack wires them, on a real moto."""
    from moto.server import ThreadedMotoServer

    from devstack.async_invoke import AsyncInvoker
    from devstack.eventbridge import RulePoller, provision_rules
    from devstack.functions import LocalFunction, function_specs
    from devstack.provision import ClientFactory, provision
    from devstack.template import Stack

    record_file = tmp_path_factory.mktemp("events") / "recorded.jsonl"
    server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    clients = ClientFactory(EVENTS_REGION, f"http://{host}:{port}")
    stack = provision(Stack(events_template(str(record_file)), region=EVENTS_REGION), clients)
    logs: list[str] = []

    def log(source: str, line: str) -> None:
        logs.append(f"[{source}] {line}")

    functions = {
        name: LocalFunction(spec, {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, log)
        for name, spec in function_specs(stack, {}).items()
    }

    def invoke(function: str, event: dict):
        return functions[function].invoke(event)

    invoker = AsyncInvoker(stack, invoke, clients("sqs"), log, retry_delay_seconds=0.05)
    rules = provision_rules(stack, clients, log)
    pollers = [RulePoller(r, clients("sqs"), invoker, stack.account_id, log) for r in rules]
    for poller in pollers:
        poller.start()
    yield EventsRig(stack, clients, invoke, invoker, rules, log, logs, Recording(record_file))
    invoker.stop()
    for poller in pollers:
        poller.stop()
    for function in functions.values():
        function.stop()
    server.stop()
    server._server.server_close()  # moto's stop() leaves the socket open

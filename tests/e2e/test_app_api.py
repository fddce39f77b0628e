"""The app's API on the devstack: what API Gateway answers, and the devstack's own endpoints."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import signal
import socket
import subprocess
import sys

import pytest
import requests

from devstack.template import ROOT, Stack, load_template

from .sim import Sim, new_user_id


@pytest.fixture(scope="module")
def http():
    session = requests.Session()
    session.trust_env = False
    return session


def signed(devstack, body: bytes) -> dict:
    secret = devstack.line.settings.channel_secret.encode()
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    return {"Content-Type": "application/json", "X-Line-Signature": signature}


def text_webhook(text: str) -> bytes:
    event = {
        "type": "message",
        "mode": "active",
        "timestamp": 1_764_000_000_000,
        "source": {"type": "user", "userId": new_user_id()},
        "webhookEventId": "01E2E" + new_user_id()[1:22].upper(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": "0" * 32,
        "message": {"id": "1", "type": "text", "text": text, "quoteToken": "q"},
    }
    return json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()


@pytest.mark.parametrize("signature", [None, "bm90IHRoZSBzaWduYXR1cmU="])
def test_a_webhook_without_a_valid_signature_is_401(devstack, http, signature):
    headers = {"Content-Type": "application/json"}
    if signature:
        headers["X-Line-Signature"] = signature
    response = http.post(f"{devstack.api_url}/webhook", data=text_webhook("hi"), headers=headers)
    assert response.status_code == 401
    assert "Signature" in response.json()["message"]


def test_a_handler_that_raises_is_a_502_and_the_stack_keeps_serving(devstack, sim, http):
    # Correctly signed, but more than the 1 MiB an SQS batch may hold (LINE never sends that; API
    # Gateway takes up to 10 MB): the webhook function's enqueue raises, answered with 502.
    body = text_webhook("x" * 1_100_000)
    response = http.post(f"{devstack.api_url}/webhook", data=body, headers=signed(devstack, body))
    assert response.status_code == 502
    assert response.json() == {"message": "Internal Server Error"}

    user_id = new_user_id()
    assert sim.follow(user_id)["webhookStatus"] == 200
    greeting, _menu = sim.next_messages(user_id, 2)
    assert "友だち追加ありがとうございます" in greeting["message"]["text"]


def test_routes_the_template_does_not_have_are_404(devstack, http):
    response = http.get(f"{devstack.api_url}/nowhere")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


def test_schedules_endpoint_lists_the_template_schedules(devstack, http):
    template = Stack(load_template())
    expected = {
        (function, name)
        for function, resource in template.resources_of_type("AWS::Serverless::Function").items()
        for name, event in resource["Properties"].get("Events", {}).items()
        if event["Type"] in ("Schedule", "ScheduleV2")
    }
    response = http.get(f"{devstack.api_url}/_devstack/schedules")
    assert response.status_code == 200
    assert {(s["function"], s["event"]) for s in response.json()["schedules"]} == expected
    missing = http.post(f"{devstack.api_url}/_devstack/schedules/NoSuchFunction/Nightly")
    assert missing.status_code == 404


def test_sam_env_vars_point_each_function_at_this_devstack(devstack, http):
    response = http.get(
        f"{devstack.api_url}/_devstack/sam-env-vars", params={"host": "host.docker.internal"}
    )
    assert response.status_code == 200
    env = response.json()
    assert set(env) == set(devstack.functions)
    webhook = env["WebhookFunction"]
    moto_port = devstack.aws_url.rsplit(":", 1)[1]
    assert webhook["AWS_ENDPOINT_URL"] == f"http://host.docker.internal:{moto_port}"
    assert webhook["LINE_API_BASE_URL"] == f"http://host.docker.internal:{devstack.line.port}"
    assert webhook["EVENTS_QUEUE_URL"].startswith(f"http://host.docker.internal:{moto_port}/")
    assert webhook["EVENTS_QUEUE_URL"].endswith("/library-line-events-local.fifo")
    assert env["ConversationFunction"]["CONVERSATIONS_TABLE"] == "library-line-conversations-local"
    assert "127.0.0.1" not in json.dumps(env)


@pytest.mark.parametrize(
    ("flag", "port_of"),
    [
        ("--aws-port", lambda d: int(d.aws_url.rsplit(":", 1)[1])),
        ("--api-port", lambda d: int(d.api_url.rsplit(":", 1)[1])),
        ("--line-port", lambda d: d.line.port),
        ("--identity-port", lambda d: d.identity.port),
    ],
)
def test_a_second_devstack_on_a_busy_port_fails_with_one_line(devstack, flag, port_of):
    busy = port_of(devstack)
    ports = {"--aws-port": 0, "--api-port": 0, "--line-port": 0, "--identity-port": 0, flag: busy}
    args = [str(value) for pair in ports.items() for value in pair]
    result = subprocess.run(
        [sys.executable, "-m", "devstack", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(busy) in lines[0] and flag in lines[0]
    assert result.stdout == ""


# Starts `python -m devstack` with SIGINT's default action, as a terminal gives it: a job that a
# script puts in the background (as some CI runners do) inherits SIGINT ignored, across exec.
WITH_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, '-m', 'devstack', *sys.argv[1:]])"
)


def test_ctrl_c_stops_the_devstack_and_frees_its_ports():
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WITH_SIGINT,
            "--aws-port",
            "0",
            "--api-port",
            "0",
            "--line-port",
            "0",
            "--identity-port",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        banner = ""
        for line in process.stdout:
            banner += line
            if line.startswith("Press Ctrl-C"):
                break
        ports = sorted({int(port) for port in re.findall(r"127\.0\.0\.1:(\d+)", banner)})
        assert len(ports) == 4, banner
        line_url = re.search(r"Chat simulator \(open this\):\s+(\S+)/", banner).group(1)
        # Stopped while it has work behind it: function workers started, pollers running.
        assert Sim(line_url).follow(new_user_id())["webhookStatus"] == 200

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))  # free again, as a new devstack would bind it

"""Handlers against moto (in-process) with the template's own tables and queues, and a real
HTTP server standing in for the LINE API."""

from __future__ import annotations

import base64
import json

import pytest
from moto import mock_aws

from devstack.lambda_context import LambdaContext
from devstack.provision import ClientFactory, provision, put_secret
from devstack.template import Stack, load_template
from library_service import config
from library_service.line.signature import compute_signature
from tests.support.functions import load_handler_module
from tests.support.line_recorder import LineRecorder

CHANNEL_SECRET = "devstack-channel-secret"  # the secret the samples in events/ are signed with
ACCESS_TOKEN = "integration-access-token"
REGION = "ap-northeast-1"


@pytest.fixture
def line_api():
    with LineRecorder() as recorder:
        yield recorder


@pytest.fixture
def stack(monkeypatch, line_api):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        stack = provision(
            Stack(
                load_template(),
                region=REGION,
                parameter_overrides={"Stage": "test", "LineApiBaseUrl": line_api.url},
            )
        )
        clients = ClientFactory(REGION)
        put_secret(clients, stack.parameter("LineChannelSecretParameter"), CHANNEL_SECRET)
        put_secret(clients, stack.parameter("LineChannelAccessTokenParameter"), ACCESS_TOKEN)
        for function in ("WebhookFunction", "ConversationFunction"):
            for key, value in stack.function_environment(function).items():
                monkeypatch.setenv(key, value)
        config.get_settings.cache_clear()
        yield stack
        config.get_settings.cache_clear()


@pytest.fixture
def webhook(stack):
    return load_handler_module("webhook")


@pytest.fixture
def conversation(stack):
    return load_handler_module("conversation")


def http_api_event(body: bytes, headers: dict, base64_body: bool = False) -> dict:
    """An HTTP API (payload 2.0) request as API Gateway hands it to Lambda."""
    return {
        "version": "2.0",
        "routeKey": "POST /webhook",
        "rawPath": "/webhook",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", **headers},
        "requestContext": {"http": {"method": "POST", "path": "/webhook"}, "stage": "$default"},
        "body": base64.b64encode(body).decode() if base64_body else body.decode(),
        "isBase64Encoded": base64_body,
    }


def signed_request(payload: dict, secret: str = CHANNEL_SECRET, **options) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return http_api_event(body, {"x-line-signature": compute_signature(secret, body)}, **options)


def context(name: str = "function") -> LambdaContext:
    return LambdaContext(function_name=name, timeout_seconds=20)

"""The samples in events/ (for `sam local invoke -e`) stay valid for the handlers."""

import json

from devstack.template import ROOT
from tests.integration.conftest import context


def sample(name: str) -> dict:
    return json.loads((ROOT / "events" / f"{name}.json").read_text())


def test_webhook_samples_are_accepted(webhook):
    for name in ("webhook-text-library", "webhook-connection-check"):
        assert webhook.lambda_handler(sample(name), context())["statusCode"] == 200


def test_conversation_sample_is_answered(conversation, line_api):
    result = conversation.lambda_handler(sample("conversation-batch"), context())
    assert result == {"batchItemFailures": []}
    assert len(line_api.calls_to("/v2/bot/message/reply")) == 2

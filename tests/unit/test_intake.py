import json

import pytest

from library_service.line.intake import (
    InvalidSignature,
    MalformedWebhook,
    accept_webhook,
)
from library_service.line.signature import compute_signature

SECRET = "test-secret"


def signed(payload) -> tuple[bytes, str]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return body, compute_signature(SECRET, body)


def event(event_id: str, **source) -> dict:
    return {"type": "message", "webhookEventId": event_id, "source": source or {"type": "user"}}


def test_splits_events_and_keys_them_by_chat_and_event_id():
    body, signature = signed(
        {
            "destination": "Ubot",
            "events": [
                event("E1", type="user", userId="Ualice"),
                event("E2", type="group", groupId="Cgroup", userId="Ualice"),
                event("E3", type="room", roomId="Rroom"),
            ],
        }
    )
    queued = accept_webhook(body, signature, SECRET)
    assert [(q.group_id, q.deduplication_id) for q in queued] == [
        ("Ualice", "E1"),
        ("Cgroup", "E2"),
        ("Rroom", "E3"),
    ]
    assert json.loads(queued[0].body) == {
        "destination": "Ubot",
        "event": event("E1", type="user", userId="Ualice"),
    }


def test_connection_check_has_nothing_to_queue():
    body, signature = signed({"destination": "Ubot", "events": []})
    assert accept_webhook(body, signature, SECRET) == []


def test_wrong_or_missing_signature_is_401():
    body, _ = signed({"events": []})
    for signature in (None, "", compute_signature("other", body)):
        with pytest.raises(InvalidSignature) as raised:
            accept_webhook(body, signature, SECRET)
        assert raised.value.status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b"\xff\xfe",
        [],
        {"destination": "Ubot"},
        {"events": {"type": "message"}},
        {"events": ["text"]},
        {"events": [{"type": "message"}]},
        {"events": [{"webhookEventId": "E1"}]},
    ],
)
def test_signed_but_malformed_is_400(payload):
    body, signature = signed(payload)
    with pytest.raises(MalformedWebhook) as raised:
        accept_webhook(body, signature, SECRET)
    assert raised.value.status_code == 400

"""EventBridge rules from a template: events put on moto's bus reach the function they match."""

from __future__ import annotations

import json
import re
import time
import uuid

from devstack.eventbridge import EVENT_FIELDS

from .conftest import TEST_BUS


def put(rig, source: str, detail_type: str, detail: dict, bus: str | None = TEST_BUS, **extra):
    entry = {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), **extra}
    if bus is not None:
        entry["EventBusName"] = bus
    response = rig.clients("events").put_events(Entries=[entry])
    assert response["FailedEntryCount"] == 0, response
    return response["Entries"][0]["EventId"]


def marked(marker: str):
    return lambda event: isinstance(event, dict) and event.get("detail", {}).get("n") == marker


def test_a_matching_event_arrives_as_eventbridge_delivers_it(events_rig):
    marker = uuid.uuid4().hex
    detail = {"branch": "中央図書館", "n": marker}
    event_id = put(
        events_rig, "library.holds", "HoldReady", detail, Resources=["arn:aws:library:::hold/1"]
    )

    (event,) = events_rig.recording.wait_for(marked(marker))
    assert tuple(event) == EVENT_FIELDS
    assert event["version"] == "0"
    assert event["id"] == event_id
    assert (event["source"], event["detail-type"]) == ("library.holds", "HoldReady")
    assert event["account"] == events_rig.stack.account_id
    assert event["region"] == events_rig.stack.region
    assert event["resources"] == ["arn:aws:library:::hold/1"]
    assert event["detail"] == detail
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])


def test_events_the_pattern_does_not_match_are_not_delivered(events_rig):
    other_type, other_branch, disabled, marker = (uuid.uuid4().hex for _ in range(4))
    put(events_rig, "library.holds", "HoldCancelled", {"branch": "中央", "n": other_type})
    put(events_rig, "library.holds", "HoldReady", {"branch": "西図書館", "n": other_branch})
    put(events_rig, "library.off", "Anything", {"n": disabled})
    put(events_rig, "library.holds", "HoldReady", {"branch": "中央", "n": marker})

    # The rule's poller delivers in order, so once the marker is in, the others would be too.
    assert events_rig.recording.wait_for(marked(marker))
    delivered = {e.get("detail", {}).get("n") for e in events_rig.recording.events()}
    assert not delivered & {other_type, other_branch, disabled}


def test_a_disabled_rule_is_not_created(events_rig):
    rules = events_rig.clients("events").list_rules(EventBusName=TEST_BUS)["Rules"]
    names = {rule["Name"] for rule in rules}
    assert {"RecorderHoldReady", "RecorderFlaky"} <= names
    assert "RecorderOff" not in names
    assert any("RecorderOff is disabled" in line for line in events_rig.logs)


def test_rule_on_the_default_bus_sends_its_constant_input(events_rig):
    before = len(events_rig.recording.events())
    put(events_rig, "devstack.test.default-bus", "Ping", {"n": "x"}, bus=None)
    found = events_rig.recording.wait_for(lambda event: event == {"fixed": "input"})
    assert found and len(events_rig.recording.events()) == before + 1


def test_a_failing_function_is_retried_then_dead_lettered(events_rig):
    marker = uuid.uuid4().hex
    event_id = put(events_rig, "library.test", "Flaky", {"fail": True, "n": marker})

    sqs = events_rig.clients("sqs")
    queue_url = events_rig.stack.physical_ids["FailedEvents"]
    messages = sqs.receive_message(
        QueueUrl=queue_url, WaitTimeSeconds=15, MessageAttributeNames=["All"]
    ).get("Messages", [])

    assert len(messages) == 1
    dead = messages[0]
    assert json.loads(dead["Body"])["id"] == event_id
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert attributes["ERROR_CODE"] == "RuntimeError"
    assert attributes["RETRY_ATTEMPTS"] == "1"
    assert attributes["RULE_ARN"].endswith(f":rule/{TEST_BUS}/RecorderFlaky")
    assert attributes["TARGET_ARN"].endswith(":function:Recorder")
    # RetryPolicy.MaximumRetryAttempts 1: the first attempt and one retry.
    assert len(events_rig.recording.wait_for(marked(marker), count=2)) == 2
    # Logged once the dead-letter queue has the event, so it may come a moment after it.
    deadline = time.monotonic() + 5
    while not any(
        "GAVE UP on Recorder/Flaky after 2 attempt(s)" in line and queue_url in line
        for line in events_rig.logs
    ):
        assert time.monotonic() < deadline, events_rig.logs
        time.sleep(0.02)

"""Schedule and ScheduleV2 events: listed and run on demand over HTTP, rate() ones on a timer."""

from __future__ import annotations

import threading
import time

import pytest
from werkzeug.test import Client

from devstack.apigw import ApiGateway, routes_from_template
from devstack.control import DevstackControl
from devstack.schedules import ScheduleRunner, rate_seconds, run_every, schedules_from_template


@pytest.fixture(scope="module")
def runner(events_rig):
    schedules = schedules_from_template(events_rig.stack, events_rig.clients("sqs"))
    runner = ScheduleRunner(events_rig.stack, schedules, events_rig.invoker, events_rig.log)
    yield runner
    runner.stop()


@pytest.fixture(scope="module")
def http(events_rig, runner):
    gateway = ApiGateway(routes_from_template(events_rig.stack), events_rig.invoke)
    return Client(DevstackControl(gateway, runner, events_rig.invoke, lambda host: {}))


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(5 minutes)", 300),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
        ("cron(0 0 * * ? *)", None),
        ("at(2030-01-01T00:00:00)", None),
    ],
)
def test_rate_expressions(expression, seconds):
    assert rate_seconds(expression) == seconds


def test_the_template_schedules_are_listed(http):
    response = http.get("/_devstack/schedules")
    assert response.status_code == 200
    listed = {(s["function"], s["event"]): s for s in response.json["schedules"]}
    assert set(listed) == {
        ("Recorder", "Nightly"),
        ("Recorder", "Hourly"),
        ("Recorder", "Broken"),
        ("Recorder", "Paused"),
    }
    assert listed[("Recorder", "Nightly")]["expression"] == "cron(0 15 * * ? *)"
    assert listed[("Recorder", "Hourly")]["type"] == "ScheduleV2"
    assert listed[("Recorder", "Paused")]["enabled"] is False
    assert listed[("Recorder", "Nightly")]["run"] == "POST /_devstack/schedules/Recorder/Nightly"


def test_running_a_rule_schedule_delivers_a_scheduled_event(http, events_rig):
    response = http.post("/_devstack/schedules/Recorder/Nightly")

    assert response.status_code == 200, response.text
    event = response.json["event"]
    assert response.json["result"] == {"seen": event["id"]}
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["account"] == events_rig.stack.account_id
    assert event["resources"] == [
        f"arn:aws:events:{events_rig.stack.region}:{events_rig.stack.account_id}"
        ":rule/RecorderNightly"
    ]
    assert event["detail"] == {}
    assert events_rig.recording.events()[-1] == event


def test_a_scheduler_schedule_sends_its_input(http, events_rig):
    response = http.post("/_devstack/schedules/Recorder/Hourly")
    assert response.status_code == 200, response.text
    assert response.json["event"] == {"job": "hourly"}
    assert events_rig.recording.events()[-1] == {"job": "hourly"}


def test_a_failing_run_on_demand_answers_502_with_the_error(http):
    response = http.post("/_devstack/schedules/Recorder/Broken")
    assert response.status_code == 502
    assert response.json["error"]["errorType"] == "RuntimeError"


def test_an_unknown_schedule_is_404(http):
    assert http.post("/_devstack/schedules/Recorder/Nope").status_code == 404
    assert http.get("/_devstack/schedules/Recorder/Nightly").status_code == 405


def test_other_paths_go_to_the_app(http):
    response = http.get("/webhook")
    assert response.status_code == 404
    assert response.json == {"message": "Not Found"}


def test_dead_letter_queue_of_type_sqs_is_created(events_rig, runner):
    hourly = runner.get("Recorder", "Hourly")
    assert hourly.target.dead_letter is not None
    assert hourly.target.dead_letter.queue_url.endswith("/RecorderHourlyQueue-local")
    queues = events_rig.clients("sqs").list_queues(QueueNamePrefix="RecorderHourlyQueue")
    assert queues["QueueUrls"] == [hourly.target.dead_letter.queue_url]


def test_timers_run_only_enabled_rate_schedules(events_rig):
    schedules = schedules_from_template(events_rig.stack, events_rig.clients("sqs"))
    runner = ScheduleRunner(events_rig.stack, schedules, events_rig.invoker, events_rig.log)
    runner.start_timers()
    try:
        on_timer = {s.target.event for s in runner.schedules.values() if runner.on_timer(s)}
        assert on_timer == {"Hourly", "Broken"}
        assert any("Recorder/Nightly cron(0 15 * * ? *): only rate()" in x for x in events_rig.logs)
        assert any("Recorder/Paused rate(5 minutes): disabled" in x for x in events_rig.logs)
    finally:
        runner.stop()


def test_run_every_waits_one_interval_then_repeats():
    calls: list[float] = []
    stopped = threading.Event()
    started = time.monotonic()
    thread = threading.Thread(
        target=run_every, args=(0.05, lambda: calls.append(time.monotonic()), stopped)
    )
    thread.start()
    deadline = time.monotonic() + 5
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stopped.set()
    thread.join(timeout=1)
    assert len(calls) >= 3
    assert calls[0] - started >= 0.05
    assert not thread.is_alive()

"""The template's Schedule (EventBridge rule) and ScheduleV2 (EventBridge Scheduler) events.

Each runs on demand (control.py serves POST /_devstack/schedules/<Function>/<Event>), and with
`--run-schedules` the rate() ones also run on their rate, first one interval after start as in
AWS. cron() and at() schedules run on demand only: a local run that fires at 03:00 would be
seen by nobody.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from .async_invoke import AsyncInvoker, AsyncTarget, dead_letter, event_enabled, retry_policy
from .template import Stack

SCHEDULE_EVENT_TYPES = ("Schedule", "ScheduleV2")
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int | None:
    """Seconds between runs of a rate() expression; None for cron() and at()."""
    match = _RATE.match(expression.strip())
    if not match:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


@dataclass(frozen=True)
class Schedule:
    target: AsyncTarget
    kind: str  # "Schedule" or "ScheduleV2"
    name: str
    expression: str
    input: str | None
    enabled: bool

    @property
    def every_seconds(self) -> int | None:
        return rate_seconds(self.expression)

    def event(self, stack: Stack) -> object:
        """The event this schedule's run delivers: its Input, else the default notification."""
        if self.input is not None:
            try:
                return json.loads(self.input)
            except ValueError:
                return self.input
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            # A rule's schedule comes from aws.events; EventBridge Scheduler's default
            # notification comes from aws.scheduler and carries its detail as the text "{}".
            "source": "aws.events" if self.kind == "Schedule" else "aws.scheduler",
            "account": stack.account_id,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": stack.region,
            "resources": [self.target.source_arn],
            "detail": {} if self.kind == "Schedule" else "{}",
        }

    def describe(self, on_timer: bool) -> dict:
        return {
            "function": self.target.function,
            "event": self.target.event,
            "type": self.kind,
            "name": self.name,
            "expression": self.expression,
            "enabled": self.enabled,
            "input": self.input,
            "runsOnTimer": on_timer,
            "run": f"POST /_devstack/schedules/{self.target.function}/{self.target.event}",
        }


def schedules_from_template(stack: Stack, sqs_client) -> list[Schedule]:
    schedules = []
    for function, resource in stack.resources_of_type("AWS::Serverless::Function").items():
        for event_name, event in resource["Properties"].get("Events", {}).items():
            kind = event["Type"]
            if kind not in SCHEDULE_EVENT_TYPES:
                continue
            props = stack.resolve(event.get("Properties", {}))
            name = props.get("Name") or f"{function}{event_name}"[:64]
            if kind == "Schedule":
                expression = props["Schedule"]
                arn = f"arn:aws:events:{stack.region}:{stack.account_id}:rule/{name}"
            else:
                expression = props["ScheduleExpression"]
                group = props.get("GroupName", "default")
                arn = f"arn:aws:scheduler:{stack.region}:{stack.account_id}:schedule/{group}/{name}"
            target = AsyncTarget(
                function=function,
                event=event_name,
                source_arn=arn,
                retry=retry_policy(stack, function, props),
                dead_letter=dead_letter(stack, function, event_name, props, sqs_client),
            )
            schedules.append(
                Schedule(target, kind, name, expression, props.get("Input"), event_enabled(props))
            )
    return schedules


def run_every(seconds: float, action: Callable[[], object], stopped: threading.Event) -> None:
    """Call `action` every `seconds`, the first time one interval from now, until stopped."""
    while not stopped.wait(seconds):
        action()


class ScheduleRunner:
    """Runs schedules on demand and, when asked, the enabled rate() ones on their rate."""

    def __init__(
        self,
        stack: Stack,
        schedules: list[Schedule],
        invoker: AsyncInvoker,
        log: Callable[[str, str], None],
    ) -> None:
        self.stack = stack
        self.schedules = {(s.target.function, s.target.event): s for s in schedules}
        self._invoker = invoker
        self._log = log
        self._stopped = threading.Event()
        self._timers: dict[tuple[str, str], threading.Thread] = {}

    def get(self, function: str, event: str) -> Schedule | None:
        return self.schedules.get((function, event))

    def on_timer(self, schedule: Schedule) -> bool:
        return (schedule.target.function, schedule.target.event) in self._timers

    def start_timers(self) -> None:
        for key, schedule in self.schedules.items():
            label = f"{schedule.target.label} {schedule.expression}"
            if not schedule.enabled:
                self._log("devstack", f"schedule {label}: disabled in the template, on demand only")
            elif schedule.every_seconds is None:
                self._log("devstack", f"schedule {label}: only rate() runs on a timer; on demand")
            else:
                run = lambda s=schedule: self.run_async(s)  # noqa: E731 (binds this schedule)
                thread = threading.Thread(
                    target=run_every,
                    args=(schedule.every_seconds, run, self._stopped),
                    name=f"schedule {schedule.target.label}",
                    daemon=True,
                )
                thread.start()
                self._timers[key] = thread
                self._log("devstack", f"schedule {label}: runs every {schedule.every_seconds}s")

    def run_async(self, schedule: Schedule) -> bool:
        """One run as the scheduler makes it: asynchronous, with retries and the DLQ."""
        self._log("devstack", f"schedule {schedule.target.label}: running")
        return self._invoker.deliver(schedule.target, schedule.event(self.stack))

    def stop(self) -> None:
        self._stopped.set()
        for thread in self._timers.values():
            thread.join(timeout=5)

"""Asynchronous invocation, the way EventBridge rules and schedules invoke a function.

In AWS two services retry: Lambda retries a function error of an asynchronous invocation
(EventInvokeConfig.MaximumRetryAttempts, 2 by default), and EventBridge retries failures to
hand the event over (the event's RetryPolicy) before it puts it in the DeadLetterConfig queue.
Locally a function error is the only failure there is, so the two collapse into one loop: the
event's RetryPolicy if the template gives one, else the function's EventInvokeConfig, else
Lambda's 2 retries; then a loud log line and, if configured, the dead-letter queue with the
message attributes EventBridge puts on its dead-letter messages.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .functions import InvocationError
from .template import Stack

LAMBDA_ASYNC_RETRIES = 2


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = LAMBDA_ASYNC_RETRIES
    max_age_seconds: float = 86400


@dataclass(frozen=True)
class DeadLetter:
    queue_url: str
    queue_arn: str


@dataclass(frozen=True)
class AsyncTarget:
    """One function event that invokes its function asynchronously (a rule or a schedule)."""

    function: str
    event: str
    source_arn: str  # the rule's or schedule's ARN
    retry: RetryPolicy
    dead_letter: DeadLetter | None

    @property
    def label(self) -> str:
        return f"{self.function}/{self.event}"


def event_enabled(props: dict) -> bool:
    """A rule or schedule is on unless the template says Enabled: false or State: DISABLED."""
    if props.get("Enabled") is False:
        return False
    return str(props.get("State", "ENABLED")).upper() != "DISABLED"


def retry_policy(stack: Stack, function: str, event_props: dict) -> RetryPolicy:
    invoke_config = stack.function_property(function, "EventInvokeConfig", {}) or {}
    policy = event_props.get("RetryPolicy") or {}
    retries = policy.get("MaximumRetryAttempts", invoke_config.get("MaximumRetryAttempts"))
    max_age = policy.get(
        "MaximumEventAgeInSeconds", invoke_config.get("MaximumEventAgeInSeconds", 86400)
    )
    return RetryPolicy(
        retries=LAMBDA_ASYNC_RETRIES if retries is None else int(retries),
        max_age_seconds=float(max_age),
    )


def dead_letter(stack: Stack, function: str, event: str, props: dict, sqs) -> DeadLetter | None:
    """The event's DeadLetterConfig: a queue of the template by Arn, or (Type: SQS) one that
    SAM would create, named after QueueLogicalId or `<Function><Event>Queue` as SAM does."""
    config = props.get("DeadLetterConfig")
    if not config:
        return None
    if "Arn" in config:
        arn = stack.resolve(config["Arn"])
        return DeadLetter(stack.physical_id_of_arn(arn), arn)
    logical = config.get("QueueLogicalId") or f"{function}{event}Queue"
    url = sqs.create_queue(QueueName=f"{logical}-local")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    stack.physical_ids[logical] = url
    stack.attributes[(logical, "Arn")] = arn["QueueArn"]
    return DeadLetter(url, arn["QueueArn"])


class AsyncInvoker:
    def __init__(
        self,
        stack: Stack,
        invoke: Callable[[str, dict], object],
        sqs_client,
        log: Callable[[str, str], None],
        retry_delay_seconds: float = 1.0,
    ) -> None:
        self._stack = stack
        self._invoke = invoke
        self._sqs = sqs_client
        self._log = log
        # Lambda waits a minute, then two; locally a second, then two, to see retries happen.
        self._delay = retry_delay_seconds
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def deliver(self, target: AsyncTarget, event: dict) -> bool:
        """Invoke until it succeeds or the retries run out; True when the function succeeded."""
        started = time.monotonic()
        attempts = 0
        while True:
            attempts += 1
            try:
                self._invoke(target.function, event)
                return True
            except InvocationError as error:
                failure = error
            too_old = time.monotonic() - started >= target.retry.max_age_seconds
            if attempts > target.retry.retries or too_old or self._stopped.is_set():
                break
            delay = self._delay * 2 ** (attempts - 1)
            self._log("devstack", f"{target.label}: attempt {attempts} failed, retry in {delay}s")
            if self._stopped.wait(delay):
                break
        self._give_up(target, event, failure, attempts)
        return False

    def _give_up(
        self, target: AsyncTarget, event: dict, failure: InvocationError, attempts: int
    ) -> None:
        where = "dropped (no DeadLetterConfig)"
        if target.dead_letter is not None:
            self._sqs.send_message(
                QueueUrl=target.dead_letter.queue_url,
                MessageBody=json.dumps(event, ensure_ascii=False),
                MessageAttributes=_dead_letter_attributes(self._stack, target, failure, attempts),
            )
            where = f"sent to the dead-letter queue {target.dead_letter.queue_url}"
        error = " ".join(str(failure).split())  # one line, however the message is broken
        self._log(
            "devstack",
            f"!!! GAVE UP on {target.label} after {attempts} attempt(s): {error}; "
            f"the event was {where}",
        )


def _dead_letter_attributes(
    stack: Stack, target: AsyncTarget, failure: InvocationError, attempts: int
) -> dict:
    function_arn = f"arn:aws:lambda:{stack.region}:{stack.account_id}:function:{target.function}"
    values = {
        "ERROR_CODE": str(failure.error.get("errorType") or "Unhandled"),
        "ERROR_MESSAGE": str(failure.error.get("errorMessage") or "")[:256] or "-",
        "RETRY_ATTEMPTS": str(attempts - 1),
        "RULE_ARN": target.source_arn,
        "TARGET_ARN": function_arn,
    }
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}

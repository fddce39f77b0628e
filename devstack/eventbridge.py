"""EventBridge rules as the template wires them: an event put on a bus (events:PutEvents against
moto) reaches every function whose EventBridgeRule or CloudWatchEvent pattern it matches.

moto does the matching. Each rule is created on moto's bus with the template's pattern and one
target, a devstack-internal SQS queue (moto delivers to SQS targets in server mode); a poller
per rule takes each event from that queue and invokes the function asynchronously, with
retries and the dead-letter queue (async_invoke.py).

Two gaps of moto 5.2 are filled here: its SQS target leaves the `account` field out of the
event, so it is put back; and it delivers to disabled rules, so disabled rules are not created.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from .async_invoke import AsyncInvoker, AsyncTarget, dead_letter, event_enabled, retry_policy
from .polling import PollingLoop
from .provision import ClientFactory
from .template import Stack

RULE_EVENT_TYPES = ("EventBridgeRule", "CloudWatchEvent")
# The fields of an event as EventBridge delivers it to a target, in EventBridge's order.
EVENT_FIELDS = (
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
)


@dataclass(frozen=True)
class RuleSubscription:
    target: AsyncTarget
    rule_name: str
    bus_name: str
    queue_url: str  # the devstack's queue moto delivers the rule's matches to
    input: str | None  # Input: constant JSON text sent instead of the event
    input_path: str | None  # InputPath: the part of the event sent, as $.a.b
    transformed: bool  # InputTransformer: moto builds what is sent


def _bus_name(value: str | None) -> str:
    if not value:
        return "default"
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def provision_rules(
    stack: Stack, clients: ClientFactory, log: Callable[[str, str], None]
) -> list[RuleSubscription]:
    """Create each rule of the template on moto with a devstack queue as its target."""
    events, sqs = clients("events"), clients("sqs")
    subscriptions = []
    for function, resource in stack.resources_of_type("AWS::Serverless::Function").items():
        for event_name, event in resource["Properties"].get("Events", {}).items():
            if event["Type"] not in RULE_EVENT_TYPES:
                continue
            props = stack.resolve(event.get("Properties", {}))
            rule_name = props.get("RuleName") or f"{function}{event_name}"[:64]
            if not event_enabled(props):
                log("devstack", f"{function}/{event_name}: rule {rule_name} is disabled; skipped")
                continue
            bus = _bus_name(props.get("EventBusName"))
            queue_url = sqs.create_queue(QueueName=f"devstack-rule-{rule_name}"[:80])["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
            rule_arn = events.put_rule(
                Name=rule_name,
                EventBusName=bus,
                EventPattern=json.dumps(props["Pattern"]),
                State="ENABLED",
            )["RuleArn"]
            target = {
                "Id": (props.get("Target") or {}).get("Id") or f"{function}{event_name}Target"[:64],
                "Arn": queue_arn["Attributes"]["QueueArn"],
            }
            if "InputTransformer" in props:
                target["InputTransformer"] = props["InputTransformer"]
            events.put_targets(Rule=rule_name, EventBusName=bus, Targets=[target])
            subscriptions.append(
                RuleSubscription(
                    target=AsyncTarget(
                        function=function,
                        event=event_name,
                        source_arn=rule_arn,
                        retry=retry_policy(stack, function, props),
                        dead_letter=dead_letter(stack, function, event_name, props, sqs),
                    ),
                    rule_name=rule_name,
                    bus_name=bus,
                    queue_url=queue_url,
                    input=props.get("Input"),
                    input_path=props.get("InputPath"),
                    transformed="InputTransformer" in props,
                )
            )
    return subscriptions


def delivered_event(body: object, subscription: RuleSubscription, account_id: str) -> object:
    """What the function receives for one message moto put in the rule's queue."""
    if subscription.transformed or not isinstance(body, dict):
        return body
    if subscription.input is not None:
        try:
            return json.loads(subscription.input)
        except ValueError:
            return subscription.input
    event = {**body, "account": body.get("account") or account_id}
    ordered = {name: event[name] for name in EVENT_FIELDS if name in event}
    ordered.update({name: value for name, value in event.items() if name not in ordered})
    if subscription.input_path:
        return _at_path(ordered, subscription.input_path)
    return ordered


def _at_path(event: dict, path: str) -> object:
    """InputPath for the JSONPath the templates use: $ or $.field.field."""
    value: object = event
    for part in [p for p in path.removeprefix("$").split(".") if p]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


class RulePoller(PollingLoop):
    """Takes the events moto delivered for one rule and invokes the rule's function."""

    def __init__(
        self,
        subscription: RuleSubscription,
        sqs_client,
        invoker: AsyncInvoker,
        account_id: str,
        log: Callable[[str, str], None],
    ) -> None:
        self.name = f"rule {subscription.rule_name}"
        super().__init__(log)
        self.subscription = subscription
        self._sqs = sqs_client
        self._invoker = invoker
        self._account_id = account_id

    def poll_once(self, wait_seconds: int = 0) -> int:
        messages = self._sqs.receive_message(
            QueueUrl=self.subscription.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
        ).get("Messages", [])
        if not messages:
            return 0
        # Handed over, as EventBridge hands an event to Lambda's own queue: retries are the
        # invoker's job from here, so the rule's queue must not deliver the event again.
        handles = [m["ReceiptHandle"] for m in messages]
        self._sqs.delete_message_batch(
            QueueUrl=self.subscription.queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles)],
        )
        for message in messages:
            body = json.loads(message["Body"])
            event = delivered_event(body, self.subscription, self._account_id)
            self._invoker.deliver(self.subscription.target, event)
        return len(messages)

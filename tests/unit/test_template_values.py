"""What cfn-lint does not check in template.yaml: values that are valid CloudFormation but wrong
for this application, references between its parts, and the operational settings every
function, table and dead-letter queue must have."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from devstack.template import ROOT, Stack, load_template, references
from library_service.line.messenger import LINE_FAILURE_LOG

TEMPLATE = load_template()
STACK = Stack(TEMPLATE)
RESOURCES = TEMPLATE["Resources"]
FUNCTIONS = STACK.resources_of_type("AWS::Serverless::Function")
TABLES = STACK.resources_of_type("AWS::DynamoDB::Table")
QUEUES = STACK.resources_of_type("AWS::SQS::Queue")
LOG_GROUPS = STACK.resources_of_type("AWS::Logs::LogGroup")
ALARMS = STACK.resources_of_type("AWS::CloudWatch::Alarm")

SUPPORTED_RUNTIMES = {"python3.12", "python3.13"}
# What survives the stack and is backed up. The other tables hold state that expires within
# hours or days (template.yaml explains why they go with the stack).
DATA_TABLES = {
    "PatronsTable",
    "HoldsTable",
    "LoansTable",
    "CatalogueTable",
    "SearchIndexTable",
    "AuditTable",
}
NO_POINT_IN_TIME_RECOVERY = {"SearchIndexTable": "derived postings, rebuilt by an import"}
# LINE allows a channel 2,000 Messaging API calls a second; a worker makes at most ~50.
LINE_CALLS_PER_SECOND = 2000
CALLS_PER_WORKER = 50


def prop(function: str, name: str, default=None):
    return STACK.function_property(function, name, default)


def target(value) -> str:
    """The one logical ID a Ref or GetAtt names."""
    (name,) = references(value)
    return name


def events(function: str, kind: str | None = None) -> dict[str, dict]:
    found = FUNCTIONS[function]["Properties"].get("Events", {})
    return {n: e for n, e in found.items() if kind is None or e["Type"] == kind}


# -- functions -------------------------------------------------------------------------------


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_runtime_timeout_and_memory_are_in_range(function):
    assert prop(function, "Runtime") in SUPPORTED_RUNTIMES
    assert 1 <= int(prop(function, "Timeout", 3)) <= 900
    assert 128 <= int(prop(function, "MemorySize", 128)) <= 10240


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_a_queue_consumer_finishes_within_its_queues_visibility_timeout(function):
    for event in events(function, "SQS").values():
        queue = RESOURCES[target(event["Properties"]["Queue"])]["Properties"]
        # Otherwise a record still being worked on is handed to a second worker.
        assert int(prop(function, "Timeout", 3)) < int(queue.get("VisibilityTimeout", 30))


PROBE = """
import importlib, json, sys
sys.path[:0] = {paths!r}
module = importlib.import_module({module!r})
print(json.dumps(callable(getattr(module, {handler!r}, None))))
"""


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_handler_imports_in_a_fresh_interpreter_with_only_its_layers(function):
    props = FUNCTIONS[function]["Properties"]
    module, handler = props["Handler"].rsplit(".", 1)
    code_dir = ROOT / props["CodeUri"]
    assert (code_dir / f"{module.replace('.', '/')}.py").is_file()
    layers = [
        str(ROOT / RESOURCES[target(layer)]["Properties"]["ContentUri"])
        for layer in prop(function, "Layers", [])
    ]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE.format(paths=[str(code_dir), *layers], module=module, handler=handler),
        ],
        capture_output=True,
        text=True,
        env={"AWS_REGION": "ap-northeast-1", "PATH": "/usr/bin:/bin"},
        cwd=code_dir,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) is True, f"{handler} is not callable"


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_event_refers_to_a_resource_of_the_right_kind(function):
    kinds = {
        ("HttpApi", "ApiId"): "AWS::Serverless::HttpApi",
        ("SQS", "Queue"): "AWS::SQS::Queue",
        ("EventBridgeRule", "EventBusName"): "AWS::Events::EventBus",
    }
    for name, event in events(function).items():
        props = event["Properties"]
        assert event["Type"] in {"HttpApi", "SQS", "EventBridgeRule", "ScheduleV2"}, name
        for (kind, key), resource_type in kinds.items():
            if event["Type"] == kind:
                assert RESOURCES[target(props[key])]["Type"] == resource_type, name
        if "DeadLetterConfig" in props:
            assert RESOURCES[target(props["DeadLetterConfig"]["Arn"])]["Type"] == "AWS::SQS::Queue"
    dead_letter = FUNCTIONS[function]["Properties"].get("DeadLetterQueue")
    if dead_letter:
        assert RESOURCES[target(dead_letter["TargetArn"])]["Type"] == "AWS::SQS::Queue"


def _route(path: str) -> str:
    """A path with its parameters' names left out: /a/{x} and /a/{y} are one route."""
    return re.sub(r"\{\w+(\+?)\}", r"{\1}", path)


def test_no_two_routes_collide():
    seen: dict[str, list[tuple[str, str]]] = {}
    for function in FUNCTIONS:
        for name, event in events(function, "HttpApi").items():
            props = event["Properties"]
            method, path = props.get("Method", "ANY").upper(), _route(props["Path"])
            for other_method, other in seen.get(path, []):
                assert "ANY" not in (method, other_method) and method != other_method, (
                    f"{function}.{name}: {method} {path} collides with {other}"
                )
            seen.setdefault(path, []).append((method, f"{function}.{name}"))


def test_snapstart_functions_publish_a_version_their_events_invoke():
    with_snapstart = [f for f in FUNCTIONS if prop(f, "SnapStart")]
    assert "ConversationFunction" in with_snapstart and "NotifierFunction" in with_snapstart
    for function in with_snapstart:
        assert prop(function, "SnapStart") == {"ApplyOn": "PublishedVersions"}
        assert prop(function, "AutoPublishAlias"), f"{function}: SnapStart needs a version"


def test_lines_rate_limit_holds_with_every_worker_busy():
    conversation = events("ConversationFunction", "SQS")["LineEvents"]["Properties"]
    workers = int(conversation["ScalingConfig"]["MaximumConcurrency"])
    notifiers = int(prop("NotifierFunction", "ReservedConcurrentExecutions"))
    assert (workers + notifiers) * CALLS_PER_WORKER <= LINE_CALLS_PER_SECOND * 3 // 4


# -- logs and alarms -------------------------------------------------------------------------


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_function_logs_to_its_own_group_with_the_retention_parameter(function):
    group = target(prop(function, "LoggingConfig")["LogGroup"])
    assert LOG_GROUPS[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    others = [f for f in FUNCTIONS if f != function]
    assert all(target(prop(f, "LoggingConfig")["LogGroup"]) != group for f in others)
    # LoggingConfig is merged with Globals: the JSON format the metric filters read stays.
    assert TEMPLATE["Globals"]["Function"]["LoggingConfig"]["LogFormat"] == "JSON"


def alarms_on(namespace: str, metric: str) -> dict[str, dict]:
    return {
        name: alarm["Properties"]
        for name, alarm in ALARMS.items()
        if alarm["Properties"]["Namespace"] == namespace
        and alarm["Properties"]["MetricName"] == metric
    }


def dimension(alarm: dict, name: str):
    return next(d["Value"] for d in alarm["Dimensions"] if d["Name"] == name)


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_has_an_errors_and_a_throttles_alarm(metric):
    watched = {
        target(dimension(a, "FunctionName")) for a in alarms_on("AWS/Lambda", metric).values()
    }
    assert watched == set(FUNCTIONS)


def dead_letter_queues() -> set[str]:
    found = set()
    for queue in QUEUES.values():
        redrive = queue["Properties"].get("RedrivePolicy")
        if redrive:
            found.add(target(redrive["deadLetterTargetArn"]))
    for function, resource in FUNCTIONS.items():
        if "DeadLetterQueue" in resource["Properties"]:
            found.add(target(resource["Properties"]["DeadLetterQueue"]["TargetArn"]))
        for event in events(function).values():
            if "DeadLetterConfig" in event["Properties"]:
                found.add(target(event["Properties"]["DeadLetterConfig"]["Arn"]))
    return found


def test_every_asynchronous_path_ends_in_a_dead_letter_queue():
    for function in FUNCTIONS:
        for name, event in events(function).items():
            if event["Type"] in {"EventBridgeRule", "ScheduleV2"}:
                # The service's own retries, then its queue; and Lambda's asynchronous ones.
                assert (
                    event["Properties"]["RetryPolicy"] and event["Properties"]["DeadLetterConfig"]
                )
                assert prop(function, "DeadLetterQueue"), f"{function}.{name}"
                assert prop(function, "EventInvokeConfig"), f"{function}.{name}"
        for event in events(function, "SQS").values():
            assert "RedrivePolicy" in RESOURCES[target(event["Properties"]["Queue"])]["Properties"]


def test_every_dead_letter_queue_has_a_depth_alarm():
    depth = alarms_on("AWS/SQS", "ApproximateNumberOfMessagesVisible").values()
    watched = {target(dimension(a, "QueueName")) for a in depth}
    assert dead_letter_queues() and watched == dead_letter_queues()
    for alarm in depth:
        assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_the_http_api_has_5xx_and_webhook_latency_alarms():
    errors = alarms_on("AWS/ApiGateway", "5xx").values()
    assert any(target(dimension(a, "ApiId")) == "HttpApi" for a in errors)
    (latency,) = alarms_on("AWS/ApiGateway", "Latency").values()
    assert (dimension(latency, "Method"), dimension(latency, "Resource")) == ("POST", "/webhook")
    # Route-level metrics exist only where the stage turns detailed metrics on.
    settings = RESOURCES["HttpApi"]["Properties"]["RouteSettings"]["POST /webhook"]
    assert settings["DetailedMetricsEnabled"] is True


def test_line_failures_are_counted_from_the_log_line_the_messenger_writes():
    filters = STACK.resources_of_type("AWS::Logs::MetricFilter")
    counted = set()
    for resource in filters.values():
        props = resource["Properties"]
        assert props["FilterPattern"] == f"{{ $.message = {json.dumps(LINE_FAILURE_LOG)} }}"
        counted.add(target(props["LogGroupName"]))
    # Every function that may call the Messaging API (it reads the channel access token).
    callers = {
        target(prop(f, "LoggingConfig")["LogGroup"])
        for f, resource in FUNCTIONS.items()
        if "LineChannelAccessTokenParameter" in references(resource["Properties"]["Policies"])
    }
    assert counted == callers
    metrics = {
        json.dumps(t) for r in filters.values() for t in r["Properties"]["MetricTransformations"]
    }
    assert len(metrics) == 1, "all filters count into one metric"
    (transformation,) = (json.loads(m) for m in metrics)
    assert alarms_on(transformation["MetricNamespace"], transformation["MetricName"])


def test_every_alarm_notifies_the_alarm_topic():
    for name, alarm in ALARMS.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching", name


# -- tables and their key --------------------------------------------------------------------


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_is_encrypted_with_the_stacks_key(table):
    sse = TABLES[table]["Properties"]["SSESpecification"]
    assert sse["SSEEnabled"] is True and sse["SSEType"] == "KMS"
    assert target(sse["KMSMasterKeyId"]) == "DataKey"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_data_tables_outlive_the_stack_and_short_lived_ones_do_not(table):
    resource, data = TABLES[table], table in DATA_TABLES
    kept = "Retain" if data else "Delete"
    assert resource.get("DeletionPolicy") == kept and resource.get("UpdateReplacePolicy") == kept
    assert resource["Properties"].get("DeletionProtectionEnabled", False) is data
    recovery = resource["Properties"].get("PointInTimeRecoverySpecification", {})
    backed_up = data and table not in NO_POINT_IN_TIME_RECOVERY
    assert recovery.get("PointInTimeRecoveryEnabled", False) is backed_up
    if not data:
        assert resource["Properties"]["TimeToLiveSpecification"]["Enabled"] is True


def test_the_data_key_rotates_and_outlives_the_stack():
    (name,) = STACK.resources_of_type("AWS::KMS::Key")
    key = RESOURCES[name]
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"
    principals = [s["Principal"] for s in key["Properties"]["KeyPolicy"]["Statement"]]
    assert {"Service": "dynamodb.amazonaws.com"} in principals

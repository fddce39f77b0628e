"""The template is the source of truth for the devstack too: check it holds together."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.template import ROOT, Stack, load_template, references

TEMPLATE = load_template()
STACK = Stack(TEMPLATE)
FUNCTIONS = STACK.resources_of_type("AWS::Serverless::Function")


def test_cfn_lint_passes():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("cfn-lint")), str(ROOT / "template.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_handler_exists_and_imports(name):
    props = FUNCTIONS[name]["Properties"]
    module_name, handler_name = props["Handler"].rsplit(".", 1)
    path = ROOT / props["CodeUri"] / f"{module_name.replace('.', '/')}.py"
    assert path.is_file(), f"{name}: {path} is missing"
    spec = importlib.util.spec_from_file_location(f"template_check_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(getattr(module, handler_name))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_event_points_at_something_that_exists(name):
    for event_name, event in FUNCTIONS[name]["Properties"].get("Events", {}).items():
        props = event["Properties"]
        for ref in ("ApiId", "Queue", "EventBusName"):
            if isinstance(props.get(ref), dict):
                (target,) = references(props[ref])
                assert target in TEMPLATE["Resources"], f"{name}.{event_name} → {target}"
        if event["Type"] in ("HttpApi", "Api"):
            assert props["Path"].startswith("/") and props["Method"]


def test_webhook_route_goes_to_the_webhook_function():
    events = FUNCTIONS["WebhookFunction"]["Properties"]["Events"]
    assert any(
        e["Type"] == "HttpApi"
        and e["Properties"]["Path"] == "/webhook"
        and e["Properties"]["Method"] == "POST"
        for e in events.values()
    )


def test_queue_consumers_report_partial_batch_failures():
    for function in FUNCTIONS.values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "SQS":
                assert "ReportBatchItemFailures" in event["Properties"]["FunctionResponseTypes"]


def test_secrets_come_from_parameters_not_the_template():
    text = (ROOT / "template.yaml").read_text() + (ROOT / "samconfig.toml").read_text()
    for name in ("LineChannelSecretParameter", "LineChannelAccessTokenParameter"):
        assert TEMPLATE["Parameters"][name]["Default"].startswith("/")
    assert "channel_secret=" not in text.lower() and "accesstoken=" not in text.lower()


def test_the_devstack_knows_every_resource_type_of_the_template():
    from devstack.provision import NOT_EMULATED, SERVED, SUPPORTED

    types = {resource["Type"] for resource in TEMPLATE["Resources"].values()}
    unknown = types - set(SUPPORTED) - set(SERVED) - set(NOT_EMULATED)
    assert not unknown, f"devstack/provision.py must create, serve or knowingly skip {unknown}"


def test_the_devstack_creates_tables_with_the_templates_encryption_and_backups(monkeypatch):
    import boto3
    from moto import mock_aws

    from devstack.provision import provision

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        stack = provision(Stack(load_template(), parameter_overrides={"Stage": "unit"}))
        dynamodb = boto3.client("dynamodb", region_name=stack.region)
        key_arn = stack.get_att("DataKey", "Arn")
        for name, resource in stack.resources_of_type("AWS::DynamoDB::Table").items():
            props = resource["Properties"]
            table = dynamodb.describe_table(TableName=stack.ref(name))["Table"]
            assert table["SSEDescription"]["KMSMasterKeyArn"] == key_arn
            assert table.get("DeletionProtectionEnabled", False) is props.get(
                "DeletionProtectionEnabled", False
            )
            backups = dynamodb.describe_continuous_backups(TableName=stack.ref(name))
            status = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
            wanted = props.get("PointInTimeRecoverySpecification", {})
            assert (status["PointInTimeRecoveryStatus"] == "ENABLED") is wanted.get(
                "PointInTimeRecoveryEnabled", False
            )
        groups = boto3.client("logs", region_name=stack.region).describe_log_groups()
        assert {g["logGroupName"]: g["retentionInDays"] for g in groups["logGroups"]} == {
            stack.ref(name): 90 for name in stack.resources_of_type("AWS::Logs::LogGroup")
        }

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

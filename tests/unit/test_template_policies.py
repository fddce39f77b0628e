"""Least privilege, checked on what CloudFormation is given: template.yaml transformed by the AWS
SAM translator, so policy templates, event sources, dead-letter queues and schedules all appear
as the IAM roles SAM generates from them.

A wildcard action (`*`, `service:*`, `service:Get*`) or a wildcard resource fails unless
ALLOWED_WIDE below says why it is there. Each function's tables in its policies must be the
tables named in its environment, except where ENVIRONMENT_ONLY says why not.
"""

from __future__ import annotations

import json
import re
from functools import cache

import boto3
import pytest
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

from devstack.template import ROOT, references

REGION = "ap-northeast-1"

# (function, action) -> why a wildcard action or resource is acceptable there; "*" as the
# function means every function's role. All of these come from AWS managed policies that SAM
# attaches itself and offers no way to leave out.
ALLOWED_WIDE = {
    ("*", "logs:CreateLogGroup"): (
        "AWSLambdaBasicExecutionRole, which SAM attaches to every function role. The stack "
        "creates each function's log group itself (LoggingConfig.LogGroup), so this is unused."
    ),
    ("*", "logs:CreateLogStream"): (
        "AWSLambdaBasicExecutionRole: Lambda writes the function's logs with its role. The "
        "managed policy names no log group; the one written to is the function's own."
    ),
    ("*", "logs:PutLogEvents"): "AWSLambdaBasicExecutionRole, as logs:CreateLogStream.",
    ("ConversationFunction", "sqs:ReceiveMessage"): (
        "AWSLambdaSQSQueueExecutionRole, attached by SAM for the SQS event source: Lambda's "
        "poller reads the events queue with the function's role. The event source mapping "
        "names the one queue it polls."
    ),
    ("ConversationFunction", "sqs:DeleteMessage"): (
        "AWSLambdaSQSQueueExecutionRole: the poller deletes the records the function did not "
        "report as failed."
    ),
    ("ConversationFunction", "sqs:GetQueueAttributes"): (
        "AWSLambdaSQSQueueExecutionRole: the poller reads the queue's settings."
    ),
}

# What the AWS managed policies SAM attaches allow (as IAM publishes them). A managed policy
# not listed here fails the test until someone has read it and added it.
MANAGED_POLICIES = {
    "service-role/AWSLambdaBasicExecutionRole": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        }
    ],
    "service-role/AWSLambdaSQSQueueExecutionRole": [
        {
            "Effect": "Allow",
            "Action": [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            "Resource": "*",
        }
    ],
}

# (function, table) -> why the table is in the function's environment but not its policies.
ENVIRONMENT_ONLY = {
    ("CirculationFunction", "SearchIndexTable"): (
        "storage.catalogue.bind_catalogue binds the search index with the catalogue; the desk "
        "never reads postings."
    ),
    ("DailyFunction", "SearchIndexTable"): "bound with the catalogue, as for the desk.",
    ("MyPageFunction", "CatalogueTable"): (
        "wiring.build_my_page gives HoldService a catalogue, which only placing a hold reads; "
        "My Page lists and cancels holds (their titles are on the hold items)."
    ),
    ("MyPageFunction", "SearchIndexTable"): "bound with the catalogue, never read.",
}

# Item-level DynamoDB actions a function may be given. dynamodb:Scan is not among them: every
# read in storage/ is by key, by query or by batch get.
ITEM_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
}


@cache
def sam_template() -> dict:
    """template.yaml as SAM reads it, with code locations as `sam package` leaves them."""
    template = yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in props:
                props[key] = f"s3://packaged-artifacts/{name}.zip"
    return template


@cache
def transformed() -> dict:
    translator = Translator({}, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    return json.loads(
        json.dumps(
            translator.translate(
                json.loads(json.dumps(sam_template())),
                parameter_values={},
                get_managed_policy_map=lambda: {},
            )
        )
    )


def sam_resources(kind: str) -> dict[str, dict]:
    return {n: r for n, r in sam_template()["Resources"].items() if r["Type"] == kind}


FUNCTIONS = sorted(sam_resources("AWS::Serverless::Function"))
TABLES = set(sam_resources("AWS::DynamoDB::Table"))


def role_of(function: str) -> tuple[str, dict]:
    resources = transformed()["Resources"]
    role = resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    return role, resources[role]


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def statements(role: dict) -> list[dict]:
    """Every statement the role grants: its inline policies and its managed policies."""
    found = []
    for policy in role["Properties"].get("Policies", []):
        found += _listed(policy["PolicyDocument"]["Statement"])
    for arn in role["Properties"].get("ManagedPolicyArns", []):
        name = arn.split(":policy/", 1)[1] if isinstance(arn, str) else None
        assert name in MANAGED_POLICIES, f"managed policy {arn} is not known to this test"
        found += MANAGED_POLICIES[name]
    return found


def _text(value) -> str:
    """A resource as text: a literal, or the template text of its Fn::Sub."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return sub if isinstance(sub, str) else sub[0]
    return json.dumps(value)


def _wide_action(action: str) -> bool:
    return "*" in action


def _wide_resource(resource) -> bool:
    return "*" in _text(resource)


def test_the_template_transforms():
    assert FUNCTIONS and all(role_of(name)[1]["Type"] == "AWS::IAM::Role" for name in FUNCTIONS)


def test_every_statement_allows_and_names_actions_and_resources():
    for name, resource in transformed()["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for statement in statements(resource):
            assert statement["Effect"] == "Allow", name
            assert not {"NotAction", "NotResource"} & set(statement), name
            assert statement.get("Action") and statement.get("Resource"), name


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_wildcard_without_a_reason(function):
    wide = set()
    for statement in statements(role_of(function)[1]):
        resources = _listed(statement["Resource"])
        for action in _listed(statement["Action"]):
            if _wide_action(action) or any(_wide_resource(r) for r in resources):
                wide.add(action)
    unexplained = {
        action
        for action in wide
        if (function, action) not in ALLOWED_WIDE and ("*", action) not in ALLOWED_WIDE
    }
    assert not unexplained, f"{function}: {sorted(unexplained)} have no reason in ALLOWED_WIDE"


def test_roles_of_schedules_and_other_services_have_no_wildcards():
    function_roles = {role_of(name)[0] for name in FUNCTIONS}
    for name, resource in transformed()["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role" or name in function_roles:
            continue
        for statement in statements(resource):
            for action in _listed(statement["Action"]):
                assert not _wide_action(action), f"{name}: {action}"
            for target in _listed(statement["Resource"]):
                assert not _wide_resource(target), f"{name}: {target}"


def test_every_allowed_wildcard_is_still_needed():
    used = set()
    for function in FUNCTIONS:
        for statement in statements(role_of(function)[1]):
            for action in _listed(statement["Action"]):
                used.add((function, action))
                used.add(("*", action))
    assert set(ALLOWED_WIDE) <= used, set(ALLOWED_WIDE) - used


def _tables_in(value) -> set[str]:
    return references(value) & TABLES


def policy_tables(function: str) -> set[str]:
    found = set()
    for statement in statements(role_of(function)[1]):
        found |= _tables_in(statement["Resource"])
    return found


def environment(function: str) -> dict:
    globals_env = sam_template().get("Globals", {}).get("Function", {}).get("Environment", {})
    own = sam_template()["Resources"][function]["Properties"].get("Environment", {})
    return {**globals_env.get("Variables", {}), **own.get("Variables", {})}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_function_reaches_exactly_the_tables_its_environment_names(function):
    named = _tables_in(environment(function))
    allowed_unused = {table for (fn, table) in ENVIRONMENT_ONLY if fn == function}
    assert allowed_unused <= named, "ENVIRONMENT_ONLY names a table the function is not given"
    given, expected = policy_tables(function), named - allowed_unused
    assert given == expected, (
        f"{function}: policies {sorted(given)}, environment {sorted(expected)}"
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_dynamodb_access_is_item_level_on_named_tables_and_indexes(function):
    for statement in statements(role_of(function)[1]):
        actions = [a for a in _listed(statement["Action"]) if a.startswith("dynamodb:")]
        if not actions:
            continue
        assert set(actions) <= ITEM_ACTIONS, f"{function}: {set(actions) - ITEM_ACTIONS}"
        for resource in _listed(statement["Resource"]):
            assert _tables_in(resource), f"{function}: {resource} is no table of the template"
            text = _text(resource)
            if "/index/" in text:
                # An index is named, and only queried: items are written through the table.
                assert re.search(r"/index/[A-Za-z0-9_.-]+$", text), text
                assert set(actions) == {"dynamodb:Query"}, f"{function}: {actions} on {text}"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_table_key_is_used_through_dynamodb_only_by_functions_with_tables(function):
    kms = [
        s
        for s in statements(role_of(function)[1])
        if any(a.startswith("kms:") for a in _listed(s["Action"]))
    ]
    if not policy_tables(function):
        assert not kms, f"{function} has no table but may use KMS"
        return
    assert kms, f"{function} reads tables encrypted under DataKey but may not decrypt"
    for statement in kms:
        # DynamoDB decrypts the table key on behalf of the caller; nothing else is needed.
        assert _listed(statement["Action"]) == ["kms:Decrypt"]
        assert references(statement["Resource"]) == {"DataKey"}
        via = statement["Condition"]["StringEquals"]["kms:ViaService"]
        assert _text(via).startswith("dynamodb."), via


def _parameters_in(value) -> set[str]:
    parameters = set(sam_template()["Parameters"])
    return references(value) & parameters


@pytest.mark.parametrize("function", FUNCTIONS)
def test_secrets_read_are_secrets_the_function_is_configured_with(function):
    configured = set()
    for key, value in environment(function).items():
        if key.endswith("_PARAM"):
            configured |= _parameters_in(value)
    read = set()
    for statement in statements(role_of(function)[1]):
        actions = _listed(statement["Action"])
        if any(a.startswith("ssm:") for a in actions):
            assert actions == ["ssm:GetParameter"], f"{function}: {actions}"
            for resource in _listed(statement["Resource"]):
                names = _parameters_in(resource)
                assert names, f"{function}: {resource} names no parameter of the template"
                read |= names
    assert read <= configured, f"{function} reads {read - configured} it has no setting for"


def test_whatever_invokes_a_snapstart_function_invokes_its_published_alias():
    resources = transformed()["Resources"]
    snapstart = {
        name
        for name in FUNCTIONS
        if sam_template()["Resources"][name]["Properties"].get("SnapStart")
    }
    assert snapstart
    for name, resource in resources.items():
        props = resource.get("Properties", {})
        invoked = {
            "AWS::Lambda::EventSourceMapping": lambda p: [p["FunctionName"]],
            "AWS::Lambda::Permission": lambda p: [p["FunctionName"]],
            "AWS::Events::Rule": lambda p: [t["Arn"] for t in p.get("Targets", [])],
            "AWS::Scheduler::Schedule": lambda p: [p["Target"]["Arn"]],
        }.get(resource["Type"])
        for value in invoked(props) if invoked else []:
            for function in references(value) & snapstart:
                raise AssertionError(f"{name} invokes {function} itself, not its alias")
        if resource["Type"] == "AWS::Lambda::EventInvokeConfig" and (
            references(props["FunctionName"]) & snapstart
        ):
            assert props["Qualifier"] != "$LATEST", name
    # The HTTP API's integrations (its OpenAPI body) name the alias, never the function.
    unaliased = references(resources["HttpApi"]["Properties"]["Body"]) & snapstart
    assert not unaliased, f"the API integrates {unaliased} unaliased"

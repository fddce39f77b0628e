"""Where an operator command's tables are: template.yaml's names for a stage, and for the
`local` stage the devstack's moto unless AWS_ENDPOINT_URL says otherwise."""

from __future__ import annotations

import os

DEVSTACK_AWS = "http://127.0.0.1:4566"


def resource_name(logical_id: str, stage: str, name_property: str = "TableName") -> str:
    """The name template.yaml gives resource `logical_id` when deployed as `stage`."""
    from devstack.template import Stack, load_template

    stack = Stack(load_template(), parameter_overrides={"Stage": stage})
    return stack.resolve(stack.resources[logical_id]["Properties"][name_property])


def table_name(logical_id: str, stage: str) -> str:
    return resource_name(logical_id, stage)


def reach_stage(stage: str) -> None:
    """Point AWS clients at the devstack for `local`; other stages use the AWS settings as
    they are (profile, region, credentials)."""
    if stage == "local":
        os.environ.setdefault("AWS_ENDPOINT_URL", DEVSTACK_AWS)
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "devstack")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "devstack")  # noqa: S105 - moto's

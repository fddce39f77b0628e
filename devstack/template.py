"""Reads template.yaml and resolves the intrinsic functions the devstack needs.

The template is the single source of truth: tables, queues, routes, event sources and
environment variables are all read from it, never listed a second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    pass


def _construct_tag(loader: yaml.Loader, tag_suffix: str, node: yaml.Node) -> dict:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path = TEMPLATE_PATH) -> dict:
    with open(path, encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_CfnLoader)  # noqa: S506 (a SafeLoader subclass)


def references(value: Any) -> set[str]:
    """Logical IDs that `value` refers to through Ref, GetAtt or Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            found.add(value["Ref"])
        elif "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        elif "Fn::Sub" in value:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            found.update(name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text))
        for item in value.values():
            found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


@dataclass
class Stack:
    """A template plus the values its resources got when created (physical IDs, attributes)."""

    template: dict
    region: str = "ap-northeast-1"
    account_id: str = "123456789012"
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    physical_ids: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def resources(self) -> dict[str, dict]:
        return self.template.get("Resources", {})

    def resources_of_type(self, *types: str) -> dict[str, dict]:
        return {name: r for name, r in self.resources.items() if r.get("Type") in types}

    def parameter(self, name: str) -> str:
        if name in self.parameter_overrides:
            return self.parameter_overrides[name]
        return str(self.template.get("Parameters", {})[name].get("Default", ""))

    def pseudo(self, name: str) -> str | None:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "library-line-local",
            "AWS::NoValue": None,
        }.get(name)

    def ref(self, name: str) -> str | None:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.template.get("Parameters", {}):
            return self.parameter(name)
        if name in self.physical_ids:
            return self.physical_ids[name]
        raise KeyError(f"{name} is not created yet or not supported by the devstack")

    def get_att(self, name: str, attribute: str) -> str:
        try:
            return self.attributes[(name, attribute)]
        except KeyError:
            raise KeyError(f"{name}.{attribute} is not known to the devstack") from None

    def physical_id_of_arn(self, arn: str) -> str:
        """The physical ID (a queue's URL) of the resource created with this ARN."""
        for (logical, attribute), value in self.attributes.items():
            if attribute == "Arn" and value == arn:
                return self.physical_ids[logical]
        raise KeyError(f"no resource of the template has the ARN {arn}")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                return self.get_att(arg[0], arg[1])
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::Join":
                return arg[0].join(str(self.resolve(part)) for part in arg[1])
            if key == "Fn::If":
                raise KeyError("conditions are not supported by the devstack")
        return {key: self.resolve(item) for key, item in value.items()}

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                return self.get_att(resource, attribute)
            return str(self.ref(name))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    def creation_order(self, types: tuple[str, ...]) -> list[str]:
        """Resources of these types, each after the ones it refers to."""
        wanted = self.resources_of_type(*types)
        ordered: list[str] = []

        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in ordered or name not in wanted:
                return
            if name in path:
                raise ValueError(f"reference cycle: {' -> '.join(path + (name,))}")
            for dependency in sorted(references(wanted[name].get("Properties", {}))):
                visit(dependency, path + (name,))
            ordered.append(name)

        for name in wanted:
            visit(name, ())
        return ordered

    def execute_api_url(self, name: str) -> str:
        """The URL AWS gives the HTTP API `name`: what the template's `!Sub`s make of it."""
        return f"https://{self.ref(name)}.execute-api.{self.region}.{self.pseudo('AWS::URLSuffix')}"

    def function_environment(self, name: str) -> dict[str, str]:
        """Globals' variables overlaid with the function's own, resolved."""
        globals_env = (
            self.template.get("Globals", {}).get("Function", {}).get("Environment", {})
        ).get("Variables", {})
        own = self.resources[name]["Properties"].get("Environment", {}).get("Variables", {})
        merged = {**globals_env, **own}
        return {key: str(self.resolve(value)) for key, value in merged.items()}

    def function_property(self, name: str, prop: str, default: Any = None) -> Any:
        own = self.resources[name]["Properties"]
        if prop in own:
            return own[prop]
        return self.template.get("Globals", {}).get("Function", {}).get(prop, default)

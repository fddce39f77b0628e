"""Runs the template's functions locally, each in its own worker process (see worker.py)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
from dataclasses import dataclass

from .template import ROOT, Stack


class InvocationError(Exception):
    """The handler raised; its traceback is already in the devstack log."""

    def __init__(self, function: str, error: dict) -> None:
        super().__init__(f"{function}: {error.get('errorType')}: {error.get('errorMessage')}")
        self.error = error


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    handler: str
    code_dir: str
    layer_dirs: tuple[str, ...]
    environment: dict[str, str]
    timeout: float
    memory: int


def function_specs(
    stack: Stack, overrides: dict[str, str], rehosted: dict[str, str] | None = None
) -> dict[str, FunctionSpec]:
    """Each function as the template declares it; `rehosted` maps URLs in its environment
    (an AWS endpoint) to where the same thing is reached locally."""
    specs = {}
    for name, resource in stack.resources_of_type("AWS::Serverless::Function").items():
        props = resource["Properties"]
        layers = stack.function_property(name, "Layers", [])
        layer_dirs = tuple(
            str(ROOT / stack.resources[layer["Ref"]]["Properties"]["ContentUri"])
            for layer in layers
            if isinstance(layer, dict) and "Ref" in layer
        )
        specs[name] = FunctionSpec(
            name=name,
            handler=props["Handler"],
            code_dir=str(ROOT / props["CodeUri"]),
            layer_dirs=layer_dirs,
            environment={
                **_rehost(stack.function_environment(name), rehosted or {}),
                **overrides,
            },
            timeout=float(stack.function_property(name, "Timeout", 3)),
            memory=int(stack.function_property(name, "MemorySize", 128)),
        )
    return specs


def _rehost(environment: dict[str, str], rehosted: dict[str, str]) -> dict[str, str]:
    def rehost(value: str) -> str:
        for remote, local in rehosted.items():
            value = value.replace(remote, local)
        return value

    return {key: rehost(value) for key, value in environment.items()}


class LocalFunction:
    """A warm execution environment; invocations are serialised like one Lambda instance."""

    def __init__(self, spec: FunctionSpec, base_environment: dict[str, str], log) -> None:
        self.spec = spec
        self._base_environment = base_environment
        self._log = log
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def _start(self) -> None:
        requests_read, self._requests = os.pipe()
        self._results, results_write = os.pipe()
        env = {
            **self._base_environment,
            **self.spec.environment,
            "AWS_LAMBDA_FUNCTION_NAME": self.spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.spec.memory),
            "PYTHONPATH": os.pathsep.join([self.spec.code_dir, *self.spec.layer_dirs, str(ROOT)]),
            "PYTHONUNBUFFERED": "1",
        }
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devstack.worker",
                str(requests_read),
                str(results_write),
                self.spec.handler,
                self.spec.name,
                str(self.spec.timeout),
                str(self.spec.memory),
            ],
            env=env,
            pass_fds=(requests_read, results_write),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self.spec.code_dir,
        )
        os.close(requests_read)
        os.close(results_write)
        self._requests_file = os.fdopen(self._requests, "w", encoding="utf-8")
        self._results_file = os.fdopen(self._results, "r", encoding="utf-8")
        threading.Thread(target=self._relay_output, daemon=True).start()

    def _relay_output(self) -> None:
        for line in self._process.stdout:
            self._log(self.spec.name, line.decode("utf-8", "replace").rstrip())

    def invoke(self, event: dict):
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            self._requests_file.write(json.dumps(event, ensure_ascii=False) + "\n")
            self._requests_file.flush()
            line = self._await_result()
            outcome = json.loads(line)
        if "error" in outcome:
            raise InvocationError(self.spec.name, outcome["error"])
        return outcome["result"]

    def _await_result(self) -> str:
        # The first call also pays the cold start, which Lambda's timeout does not count.
        ready, _, _ = select.select([self._results], [], [], self.spec.timeout + 30)
        line = self._results_file.readline() if ready else ""
        if not line:
            timed_out = not ready
            self._kill()
            error = "Sandbox.Timedout" if timed_out else "Runtime.ExitError"
            raise InvocationError(self.spec.name, {"errorType": error, "errorMessage": ""})
        return line

    def _kill(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.kill()
        self._process = None

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._requests_file.close()
            try:
                self._process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._process.kill()

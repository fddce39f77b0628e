"""The operator's commands (ops/), run against the devstack as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys

from devstack.template import ROOT


def operator(devstack, module: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, "AWS_ENDPOINT_URL": devstack.aws_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout

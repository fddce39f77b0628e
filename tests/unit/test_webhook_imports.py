"""The webhook's 2-second budget: importing its handler must not pull in the LINE SDK."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.functions import FUNCTIONS, ROOT

PROBE = """
import json, sys
sys.path[:0] = [{function!r}, {layer!r}]
import app
heavy = sorted(m for m in sys.modules if m.startswith(("linebot", "pynamodb", "pydantic")))
print(json.dumps(heavy))
"""


def test_the_webhook_handler_imports_neither_the_line_sdk_nor_pynamodb():
    code = PROBE.format(function=str(FUNCTIONS / "webhook"), layer=str(ROOT / "layers" / "shared"))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"AWS_REGION": "ap-northeast-1", "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []

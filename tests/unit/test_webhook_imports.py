"""Cold starts: importing a handler must not pull in libraries that function has no use for."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.functions import FUNCTIONS, ROOT

PROBE = """
import json, sys
sys.path[:0] = [{function!r}, {layer!r}]
import app
heavy = sorted({{m.split(".")[0] for m in sys.modules if m.startswith({prefixes!r})}})
print(json.dumps(heavy))
"""


def loaded(function: str, prefixes: tuple[str, ...]) -> list[str]:
    code = PROBE.format(
        function=str(FUNCTIONS / function), layer=str(ROOT / "layers" / "shared"), prefixes=prefixes
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"AWS_REGION": "ap-northeast-1", "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_webhook_handler_imports_neither_the_line_sdk_nor_pynamodb():
    # LINE wants a 200 within 2 seconds, cold starts included.
    assert loaded("webhook", ("linebot", "pynamodb", "pydantic")) == []


@pytest.mark.parametrize("function", ["conversation", "card"])
def test_handlers_leave_identity_crypto_images_and_templates_to_the_functions_that_use_them(
    function,
):
    heavy = ("joserfc", "cryptography", "PIL", "barcode", "jinja2")
    assert loaded(function, heavy) == []

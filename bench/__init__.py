"""Benchmarks: `make bench` runs them all and writes docs/benchmarks.md."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_LAYER = ROOT / "layers" / "shared"

# The in-process benchmark imports the layer and the tests' helpers the way pytest's
# `pythonpath` setting does, whatever directory `python -m bench` is started from.
for _path in (str(ROOT), str(SHARED_LAYER)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


def use_in_process_moto(region: str) -> None:
    """Environment for moto inside this process: dummy credentials, no endpoint override, and
    the devstack's moto fixes (partition-only Query, one DynamoDB request at a time)."""
    import os

    from devstack import moto_dynamodb

    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",  # noqa: S105 - moto accepts any
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    moto_dynamodb.install()

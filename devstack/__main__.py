"""`make dev`: the whole system on this machine, in the foreground, until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .ports import PortInUse
from .stack import OVERRIDES_FILE, Devstack, DevstackConfig


def parse_args(argv: list[str]) -> DevstackConfig:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-port", type=int, default=3000, help="the app's API (default 3000)")
    parser.add_argument("--line-port", type=int, default=3001, help="LINE emulator (default 3001)")
    parser.add_argument("--aws-port", type=int, default=4566, help="moto server (default 4566)")
    args = parser.parse_args(argv)
    return DevstackConfig(
        host=args.host, api_port=args.api_port, line_port=args.line_port, aws_port=args.aws_port
    )


def main(argv: list[str] | None = None) -> int:
    config = parse_args(sys.argv[1:] if argv is None else argv)
    devstack = Devstack(config)
    try:
        devstack.start()
    except PortInUse as error:
        print(f"devstack: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(
        "\n".join(
            [
                "",
                "Library services on LINE — local stack is up",
                f"  Chat simulator (open this):  {devstack.line_url}/",
                f"  App API:                     {devstack.api_url}  (POST /webhook)",
                f"  LINE emulator test API:      {devstack.line_url}/_sim/…",
                f"  Embedded AWS (moto):         {devstack.aws_url}",
                f"  Function env overrides:      {OVERRIDES_FILE.name}"
                + ("" if OVERRIDES_FILE.exists() else " (none)"),
                "Press Ctrl-C to stop.",
                "",
            ]
        ),
        flush=True,
    )
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping…", file=sys.stderr)
        devstack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

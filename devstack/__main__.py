"""`make dev`: the whole system on this machine, in the foreground, until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .ports import PortInUse
from .stack import DEMO_CATALOGUE, Devstack, DevstackConfig


def parse_args(argv: list[str]) -> DevstackConfig:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-port", type=int, default=3000, help="the app's API (default 3000)")
    parser.add_argument("--line-port", type=int, default=3001, help="LINE emulator (default 3001)")
    parser.add_argument(
        "--identity-port", type=int, default=3002, help="identity sandbox (default 3002)"
    )
    parser.add_argument("--aws-port", type=int, default=4566, help="moto server (default 4566)")
    parser.add_argument(
        "--run-schedules",
        action="store_true",
        help="also run the template's rate() schedules on their rate (else on demand only)",
    )
    catalogue = parser.add_mutually_exclusive_group()
    catalogue.add_argument(
        "--catalogue",
        type=Path,
        default=DEMO_CATALOGUE,
        help="catalogue file to import at start (default: the demo catalogue)",
    )
    catalogue.add_argument(
        "--no-catalogue", action="store_true", help="start with an empty catalogue"
    )
    args = parser.parse_args(argv)
    return DevstackConfig(
        catalogue=None if args.no_catalogue else args.catalogue,
        host=args.host,
        api_port=args.api_port,
        line_port=args.line_port,
        identity_port=args.identity_port,
        aws_port=args.aws_port,
        run_schedules=args.run_schedules,
    )


def banner(devstack: Devstack) -> str:
    overrides = devstack.config.overrides_file
    schedules = len(devstack.schedules.schedules)
    catalogue = devstack.config.catalogue
    return "\n".join(
        [
            "",
            "Library services on LINE — local stack is up",
            f"  Chat simulator (open this):  {devstack.line_url}/",
            f"  App API:                     {devstack.api_url}  (POST /webhook)",
            f"  LINE emulator test API:      {devstack.line_url}/_sim/…",
            f"  Identity sandbox:            {devstack.identity_url}  (JPKI and face eKYC)",
            f"  Embedded AWS (moto):         {devstack.aws_url}",
            f"  Schedules:                   {devstack.api_url}/_devstack/schedules"
            f"  ({schedules} in the template)",
            "  Catalogue:                   "
            + (catalogue.name + " (loading; the log says when it is in)" if catalogue else "none"),
            "  Demo patron:                 "
            + (
                f"{devstack.demo_patron_id} (password 920516), linked to the simulator user "
                "「図書 花子（デモ利用者）」"
                if devstack.demo_patron_id
                else "none"
            ),
            f"  Function env overrides:      {overrides.name}"
            + ("" if overrides.exists() else " (none)"),
            "Press Ctrl-C to stop.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    config = parse_args(sys.argv[1:] if argv is None else argv)
    devstack = Devstack(config)
    try:
        devstack.start()
    except PortInUse as error:
        print(f"devstack: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C while starting: start() has already stopped what ran
        return 130
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Everything after start() is inside the try, so a Ctrl-C at any moment stops the stack.
    try:
        print(banner(devstack), flush=True)
        # Short waits, not one long one: a signal may be delivered to any thread, and Python
        # runs its handler (KeyboardInterrupt, the SIGTERM one) only when the main thread
        # wakes, which an untimed wait never does.
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping…", file=sys.stderr)
        devstack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

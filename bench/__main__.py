"""`python -m bench`: run every benchmark, print a summary, write docs/benchmarks.md.

`--only NAME ...` runs some of them and replaces only their sections in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from . import ROOT, built_cold_start, cold_import, holds, notifier, report, search, warm_webhook

REPORT = ROOT / "docs" / "benchmarks.md"
BENCHMARKS = (
    "cold-import",
    "warm-webhook",
    "search",
    "holds",
    "notifier",
    "built-cold-start",
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="fresh processes per import case")
    parser.add_argument(
        "--built-runs",
        type=int,
        default=15,
        help="fresh Python 3.13 processes per row of the built-artifacts cold start",
    )
    parser.add_argument("--invocations", type=int, default=200, help="timed webhook calls")
    parser.add_argument("--query-runs", type=int, default=5, help="timed runs of each query")
    parser.add_argument(
        "--notices", type=int, default=notifier.EVENTS, help="timed HoldReady notices"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only these ({', '.join(BENCHMARKS)}) and refresh only their sections",
    )
    args = parser.parse_args(argv)
    chosen = args.only or BENCHMARKS

    runners = {
        "cold-import": lambda: cold_import.run(args.runs),
        "warm-webhook": lambda: [warm_webhook.run(args.invocations)],
        "search": lambda: [search.run(args.query_runs)],
        "holds": lambda: [holds.run()],
        "notifier": lambda: [notifier.run(args.notices)],
        "built-cold-start": lambda: built_cold_start.run(args.built_runs),
    }
    started = time.perf_counter()
    sections = [section for name in BENCHMARKS if name in chosen for section in runners[name]()]
    elapsed = time.perf_counter() - started

    if args.only:
        command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
        existing = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
        REPORT.write_text(report.merge(existing, sections, elapsed, command), encoding="utf-8")
    else:
        REPORT.write_text(report.render(sections, elapsed), encoding="utf-8")
    print(report.summary(sections))
    print(f"wrote {REPORT.relative_to(ROOT)} ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()

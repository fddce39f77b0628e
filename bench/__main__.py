"""`python -m bench`: run every benchmark, print a summary, write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import time

from . import ROOT, cold_import, holds, notifier, report, search, warm_webhook

REPORT = ROOT / "docs" / "benchmarks.md"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="fresh processes per import case")
    parser.add_argument("--invocations", type=int, default=200, help="timed webhook calls")
    parser.add_argument("--query-runs", type=int, default=5, help="timed runs of each query")
    parser.add_argument(
        "--notices", type=int, default=notifier.EVENTS, help="timed HoldReady notices"
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    sections = [
        *cold_import.run(args.runs),
        warm_webhook.run(args.invocations),
        search.run(args.query_runs),
        holds.run(),
        notifier.run(args.notices),
    ]
    elapsed = time.perf_counter() - started

    REPORT.write_text(report.render(sections, elapsed), encoding="utf-8")
    print(report.summary(sections))
    print(f"wrote {REPORT.relative_to(ROOT)} ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()

"""The results' shape, the console summary and the Markdown report."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Check:
    label: str
    ratio: float
    target: float | None = None

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "no target"
        return "target met" if self.ratio <= self.target else "target missed"

    @property
    def target_text(self) -> str:
        return "—" if self.target is None else f"≤ {self.target:g}"


@dataclass
class Section:
    title: str
    intro: str
    headers: list[str]
    rows: list[list[str]]
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[-1]


def summary(sections: list[Section]) -> str:
    lines = [
        f"{check.label}: {check.ratio:.2f} (target {check.target_text}) {check.verdict}"
        for section in sections
        for check in section.checks
    ]
    return "\n".join(lines)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def render(sections: list[Section], elapsed: float, command: str = "make bench") -> str:
    # nproc counts the CPUs this process may use, which is what the numbers ran on.
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench` (which runs `.venv/bin/python -m bench` from the repository "
        "root); rerun it to refresh this page. Results are reported, not asserted: a missed "
        "target does not fail the run.",
        "",
        f"- Date: {_now()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- Machine: `uname -m` {platform.machine()}, nproc {cpus}",
        f"- Command: `{command}`",
        f"- Whole run: {elapsed:.0f} s",
    ]
    for section in sections:
        out += ["", f"## {section.title}", "", section.intro]
        if section.headers:
            out += [""] + _table(section.headers, section.rows)
        if section.checks:
            out += [""]
            out += _table(
                ["Ratio", "Value", "Target", "Verdict"],
                [[c.label, f"{c.ratio:.2f}", c.target_text, c.verdict] for c in section.checks],
            )
        if section.notes:
            out += [""] + [f"- {note}" for note in section.notes]
    return "\n".join(out) + "\n"


REFRESHED = "- Refreshed since: "


def _split(text: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """A report's header lines and its sections, each as (title, lines), in order."""
    header: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("## "):
            sections.append((line[3:], [line]))
        elif sections:
            sections[-1][1].append(line)
        else:
            header.append(line)
    for _, lines in sections:
        while lines and not lines[-1]:
            lines.pop()
    return header, sections


def merge(existing: str, sections: list[Section], elapsed: float, command: str) -> str:
    """The existing report with these sections replaced (or added at the end) and the rest
    kept as they were, with a header line saying what was refreshed since the whole run."""
    header, kept = _split(existing)
    _, fresh = _split(render(sections, elapsed, command))
    if not kept:
        return render(sections, elapsed, command)
    fresh_by_title = dict(fresh)
    merged = [(title, fresh_by_title.pop(title, lines)) for title, lines in kept]
    merged += list(fresh_by_title.items())
    titles = ", ".join(section.title.split(" ", 1)[0] for section in sections)
    header = [line for line in header if not line.startswith(REFRESHED)]
    while header and not header[-1]:
        header.pop()
    header.append(
        f"{REFRESHED}{titles} on {_now()} by `{command}` ({elapsed:.0f} s); "
        "the other sections are from the whole run above"
    )
    out = header
    for _, lines in merged:
        out += [""] + lines
    return "\n".join(out).rstrip("\n") + "\n"

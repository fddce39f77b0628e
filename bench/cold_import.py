"""Cold import of each handler module in fresh Python processes, as a Lambda cold start pays it.

The baseline is the least any Python function that talks to SQS pays: import boto3 and create
one SQS client. Every case runs with and without bytecode; both modes keep .pyc files out of
the source tree by pointing PYTHONPYCACHEPREFIX at directories this benchmark owns.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from . import ROOT, SHARED_LAYER
from .report import Check, Section, ms

REGION = "ap-northeast-1"
MARKER = "--bench-import-starts--"
TARGET = 1.3

# Timing happens inside the child so interpreter start-up and site.py stay out of the import
# figure; the parent's wall time around the whole process is reported alongside.
CHILD = f"""\
import sys, time
sys.path[:0] = {{paths!r}}
print({MARKER!r}, file=sys.stderr, flush=True)
start = time.perf_counter()
{{code}}
print(time.perf_counter() - start)
"""


@dataclass(frozen=True)
class Case:
    name: str
    code: str
    function: str | None = None

    @property
    def paths(self) -> list[str]:
        # Lambda puts the function's own code ahead of its layers on sys.path.
        if self.function is None:
            return []
        return [str(ROOT / "functions" / self.function), str(SHARED_LAYER)]

    def script(self) -> str:
        return CHILD.format(paths=self.paths, code=self.code)


BASELINE = Case("boto3 + SQS client", f'import boto3\nboto3.client("sqs", region_name="{REGION}")')
WEBHOOK = Case("webhook `import app`", "import app", "webhook")
CONVERSATION = Case("conversation `import app`", "import app", "conversation")
CASES = (BASELINE, WEBHOOK, CONVERSATION)


@dataclass(frozen=True)
class Mode:
    name: str
    flags: tuple[str, ...]
    pycache: str


@dataclass(frozen=True)
class Sample:
    import_s: float
    wall_s: float


def _environment(home: str, pycache: str | None) -> dict[str, str]:
    # Built from scratch: PYTHONDONTWRITEBYTECODE or PYTHONPATH from the caller's shell would
    # change what is measured, and boto3 must find neither real credentials nor config.
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": home,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if pycache is not None:
        environment["PYTHONPYCACHEPREFIX"] = pycache
    return environment


def _child(case: Case, mode: Mode, home: str, extra: tuple[str, ...] = ()):
    command = [sys.executable, *mode.flags, *extra, "-c", case.script()]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        env=_environment(home, mode.pycache),
        cwd=home,  # keeps the child's '' sys.path entry from finding anything of ours
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    stderr = done.stderr.split(MARKER, 1)[-1]
    return Sample(float(done.stdout.split()[-1]), wall), stderr


def _origin(path: str, pycache: str) -> str:
    path = path.removeprefix(pycache)
    if "site-packages" in path:
        return "site-packages"
    if path.startswith(str(ROOT)):
        return "project"
    return "stdlib"


_CODE_FROM = re.compile(r"^# code object from '?(.+?)'?$", re.MULTILINE)


def _compilation(case: Case, mode: Mode, home: str) -> dict[tuple[str, str], int]:
    """How many modules the import compiled from source vs read from .pyc, by origin (-v)."""
    _, stderr = _child(case, mode, home, ("-v",))
    counts: dict[tuple[str, str], int] = {}
    for path in _CODE_FROM.findall(stderr):
        kind = ".pyc" if path.endswith(".pyc") else "source"
        key = (kind, _origin(path, mode.pycache))
        counts[key] = counts.get(key, 0) + 1
    return counts


def _top_imports(mode: Mode, home: str, count: int = 10) -> list[list[str]]:
    _, stderr = _child(WEBHOOK, mode, home, ("-X", "importtime"))
    entries = []
    for line in stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[0].strip().isdigit():
            entries.append((int(fields[1]), int(fields[0]), fields[2].strip()))
    entries.sort(reverse=True)
    total = next(cumulative for cumulative, _, name in entries if name == "app")
    return [
        [f"`{name}`", f"{cumulative / 1000:.1f}", f"{own / 1000:.1f}", f"{cumulative / total:.0%}"]
        for cumulative, own, name in entries
        if name != "app"
    ][:count]


def run(runs: int) -> list[Section]:
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as scratch:
        home = os.path.join(scratch, "home")
        os.mkdir(home)
        warm = Mode("bytecode", (), os.path.join(scratch, "pycache-warm"))
        # -B stops writes and the empty prefix hides every existing __pycache__, including
        # site-packages' and the stdlib's, so each run compiles everything it imports.
        cold = Mode("no bytecode", ("-B",), os.path.join(scratch, "pycache-empty"))
        for directory in (warm.pycache, cold.pycache):
            os.mkdir(directory)
        for case in CASES:
            _child(case, warm, home)  # the warm-up that writes every .pyc into the prefix

        samples: dict[tuple[str, str], list[Sample]] = {}
        for mode in (warm, cold):
            for _ in range(runs):
                # Interleaved, so drift on a shared machine hits every case alike.
                for case in CASES:
                    sample, _ = _child(case, mode, home)
                    samples.setdefault((case.name, mode.name), []).append(sample)

        compiled = {
            (case.name, mode.name): _compilation(case, mode, home)
            for mode in (warm, cold)
            for case in CASES
        }
        top = _top_imports(warm, home)
        return [
            _section(
                "(a) Cold import: webhook", WEBHOOK, samples, compiled, runs, (warm, cold), TARGET
            ),
            _section(
                "(b) Cold import: conversation",
                CONVERSATION,
                samples,
                compiled,
                runs,
                (warm, cold),
                None,
            ),
            _top_section(top, samples[(WEBHOOK.name, warm.name)]),
        ]


def _median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(getattr(sample, attribute) for sample in samples)


def _counts(counts: dict[tuple[str, str], int], kind: str) -> str:
    return " / ".join(
        str(counts.get((kind, origin), 0)) for origin in ("project", "site-packages", "stdlib")
    )


def _section(title, case, samples, compiled, runs, modes, target) -> Section:
    rows, checks = [], []
    for mode in modes:
        for subject in (case, BASELINE):
            measured = samples[(subject.name, mode.name)]
            counts = compiled[(subject.name, mode.name)]
            rows.append(
                [
                    subject.name + (" (baseline)" if subject is BASELINE else ""),
                    mode.name,
                    ms(_median(measured, "import_s")),
                    ms(_median(measured, "wall_s")),
                    _counts(counts, "source"),
                    _counts(counts, ".pyc"),
                ]
            )
        ratio = _median(samples[(case.name, mode.name)], "import_s") / _median(
            samples[(BASELINE.name, mode.name)], "import_s"
        )
        checks.append(Check(f"{case.function}/baseline import, {mode.name}", ratio, target))
    return Section(
        title=title,
        intro=(
            f"Median of {runs} fresh processes per row, runs of all cases interleaved. "
            "*Import* is timed inside the child with `time.perf_counter()` around the import "
            '(for the baseline: around `import boto3` plus `boto3.client("sqs")`); *process* '
            "is the parent's wall time for the whole child, interpreter start-up included. "
            "The last two columns come from one extra `-v` run per row and count the modules "
            "the import compiled from source and read from .pyc, as project / site-packages / "
            "stdlib."
        ),
        headers=[
            "Case",
            "Bytecode",
            "Import median (ms)",
            "Process median (ms)",
            "Compiled from source",
            "Read from .pyc",
        ],
        rows=rows,
        checks=checks,
        notes=[
            "*bytecode*: one untimed warm-up per case first compiles every imported module "
            "(the layer's, the function's, site-packages' and the stdlib's) into a "
            "PYTHONPYCACHEPREFIX directory owned by the benchmark, which the timed runs read; "
            "the source tree's own `__pycache__` directories are neither read nor written.",
            "*no bytecode*: the child runs with `-B` and PYTHONPYCACHEPREFIX set to an empty "
            "directory. Python then looks for .pyc only under that prefix, for site-packages "
            "and the stdlib as much as for the project, so every module is compiled from "
            "source; the `-v` counts above confirm it (zero read from .pyc). Only the modules "
            "frozen into the interpreter (the start-up set such as `os` and `codecs`) escape.",
            "Each child gets a fresh environment: region, dummy credentials, config and "
            "credentials files set to /dev/null and the instance metadata service disabled, so "
            "nothing reaches the network.",
        ],
    )


def _top_section(top: list[list[str]], webhook_samples: list[Sample]) -> Section:
    return Section(
        title="Where the webhook's cold import goes",
        intro=(
            "`python -X importtime` over the webhook's `import app`, with bytecode, one run "
            "(the median import above is "
            f"{ms(_median(webhook_samples, 'import_s'))} ms). Top 10 modules by cumulative "
            "time, `app` itself left out; cumulative times nest, so a package includes the "
            "modules listed under it."
        ),
        headers=["Module", "Cumulative (ms)", "Self (ms)", "Share of `app`"],
        rows=top,
    )

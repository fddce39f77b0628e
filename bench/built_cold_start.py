"""Cold import of every function's handler from what `make build` built, on Python 3.13.

Lambda's python3.13 runtime puts the function's code (/var/task) first on sys.path, then the
layer (/opt/python), then its own site-packages with boto3; /var/task and /opt are read-only,
so nothing compiled at a cold start is ever kept. Each child here is a fresh Python 3.13 with
the same order: the function's `.aws-sam/build/<Function>/`, the built layer's `python/`, and a
stand-in for the runtime's boto3 (installed with its ordinary .pyc files, as the runtime has
them), run with -B so that nothing is written. The layer is measured as shipped, with its
unchecked-hash bytecode, and as a copy of the same tree with every __pycache__ removed.

The layer deployed is for arm64, whose extension modules do not load on x86_64: on an x86_64
machine the benchmark builds an x86_64 twin of the layer with the same Makefile
(PLATFORM=x86_64), the same pins and the same bytecode, and measures that.
"""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import ROOT
from .cold_import import _CODE_FROM, CHILD, MARKER, Sample, _environment
from .report import Check, Section, ms

BUILD = ROOT / ".aws-sam" / "build"
LAYER = BUILD / "SharedLayer"
BUILD_VENV_PYTHON = ROOT / ".venv-build" / "bin" / "python"
FIND_PYTHON = ROOT / "build" / "find-python313"
CHECK_LAYER = ROOT / "build" / "check_layer.py"
LAYER_MAKEFILE = ROOT / "layers" / "shared" / "Makefile"
CONSTRAINTS = ROOT / "constraints.txt"
# What `make build` reads: a build older than any of these is rebuilt first.
BUILD_INPUTS = (
    ROOT / "template.yaml",
    ROOT / "constraints.txt",
    ROOT / "layers" / "shared",
    ROOT / "functions",
)
TITLE = "(g) Cold start from the built artifacts (Python 3.13)"
TARGET = 1.3
WEBHOOK = "WebhookFunction"
SHIPPED, STRIPPED = "shipped .pyc", "no .pyc"
ORIGINS = ("function", "layer", "runtime", "stdlib")


@dataclass(frozen=True)
class Case:
    name: str
    code: str
    paths: tuple[str, ...]


def _newest_input() -> float:
    newest = 0.0
    for path in BUILD_INPUTS:
        files = [path] if path.is_file() else path.rglob("*")
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def _ensure_build() -> str:
    """`make build` unless .aws-sam/build is there and newer than what it is built from."""
    built = BUILD / "template.yaml"
    if built.is_file() and (LAYER / "python").is_dir() and built.stat().st_mtime >= _newest_input():
        when = datetime.datetime.fromtimestamp(built.stat().st_mtime, datetime.UTC)
        return f"the build in .aws-sam/build of {when:%Y-%m-%d %H:%M UTC}, newer than its sources"
    reason = "missing" if not built.is_file() else "older than its sources"
    print(f"built-cold-start: .aws-sam/build is {reason}: running make build", flush=True)
    started = time.perf_counter()
    subprocess.run(["make", "build"], cwd=ROOT, check=True)
    return f"a fresh `make build` run by the benchmark ({time.perf_counter() - started:.0f} s)"


def _python313() -> str:
    found = subprocess.run([str(FIND_PYTHON)], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise SystemExit(f"built-cold-start: {found.stderr.strip()}")
    return found.stdout.strip()


def _check(python: str, layer: Path, machine: str) -> tuple[bool, str]:
    done = subprocess.run(
        [python, str(CHECK_LAYER), str(layer), "--platform", machine],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def _pip(python: str) -> list[str]:
    # The build virtualenv's pinned pip, as `make build` uses; else Python 3.13's own.
    return [str(BUILD_VENV_PYTHON) if BUILD_VENV_PYTHON.exists() else python, "-m", "pip"]


def _native_layer(python: str, scratch: Path, machine: str) -> Path:
    layer = scratch / f"SharedLayer-{machine}"
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-s",
            "-f",
            str(LAYER_MAKEFILE),
            "build-SharedLayer",
            f"ARTIFACTS_DIR={layer}",
            f"PLATFORM={machine}",
            f"LAYER_PYTHON={python}",
            f"LAYER_PIP={' '.join(_pip(python))}",
        ],
        cwd=scratch,
        check=True,
    )
    return layer


def _same_bytecode(built: Path, twin: Path) -> tuple[int, int, set[str]]:
    """How many of the twin's .pyc files are byte for byte the built layer's, and which
    distributions (dist-info names) the two do not share."""
    pycs = sorted(twin.rglob("*.pyc"))
    same = sum(
        (built / pyc.relative_to(twin)).is_file()
        and (built / pyc.relative_to(twin)).read_bytes() == pyc.read_bytes()
        for pyc in pycs
    )

    def dists(root: Path) -> set[str]:
        return {path.name for path in (root / "python").glob("*.dist-info")}

    return same, len(pycs), dists(built) ^ dists(twin)


def _boto3_pin() -> str:
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.lower().startswith("boto3=="):
            return line.strip()
    raise SystemExit("built-cold-start: no boto3 pin in constraints.txt")


def _runtime(python: str, scratch: Path) -> Path:
    """boto3 as the Lambda runtime has it: its own site-packages, with ordinary .pyc files."""
    runtime = scratch / "runtime"
    subprocess.run(
        [
            *_pip(python),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-warn-conflicts",
            "--target",
            str(runtime),
            _boto3_pin(),
            "-c",
            str(CONSTRAINTS),
        ],
        check=True,
    )
    subprocess.run([python, "-m", "compileall", "-q", str(runtime)], check=True)
    return runtime


def _child(python: str, case: Case, home: str, extra: tuple[str, ...] = ()):
    script = CHILD.format(paths=list(case.paths), code=case.code)
    env = _environment(home, None)
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-B", *extra, "-c", script],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    return Sample(float(done.stdout.split()[-1]), wall), done.stderr.split(MARKER, 1)[-1]


def _origin(path: str, roots: dict[str, str]) -> str:
    for origin, root in roots.items():
        if path.startswith(root):
            return origin
    return "stdlib"


def _compilation(python: str, case: Case, home: str, roots: dict[str, str]):
    _, stderr = _child(python, case, home, ("-v",))
    counts: dict[tuple[str, str], int] = {}
    for path in _CODE_FROM.findall(stderr):
        kind = ".pyc" if path.endswith(".pyc") else "source"
        key = (kind, _origin(path, roots))
        counts[key] = counts.get(key, 0) + 1
    return counts


def _app_compile_ms(python: str, function_dir: Path, home: str) -> float:
    """Median time to compile a function's app.py: what its missing bytecode costs."""
    code = (
        f"import statistics, time\nsource = open({str(function_dir / 'app.py')!r}).read()\n"
        "samples = []\nfor _ in range(200):\n    start = time.perf_counter()\n"
        "    compile(source, 'app.py', 'exec', dont_inherit=True)\n"
        "    samples.append(time.perf_counter() - start)\nprint(statistics.median(samples))"
    )
    done = subprocess.run(
        [python, "-B", "-c", code], env=_environment(home, None), cwd=home, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return float(done.stdout.split()[-1]) * 1000


def _functions() -> dict[str, str]:
    """Each function of the built template and its handler module."""
    from devstack.template import load_template

    resources = load_template(BUILD / "template.yaml")["Resources"]
    return {
        name: resource["Properties"]["Handler"].rsplit(".", 1)[0]
        for name, resource in sorted(resources.items())
        if resource["Type"] == "AWS::Serverless::Function"
    }


def _snap_start() -> set[str]:
    """The functions whose published versions resume a SnapStart snapshot."""
    from devstack.template import load_template

    resources = load_template(BUILD / "template.yaml")["Resources"]
    return {
        name
        for name, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::Function"
        and (resource["Properties"].get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions"
    }


def run(runs: int) -> list[Section]:
    built_from = _ensure_build()
    python = _python313()
    version = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    machine = platform.machine()
    machine = "aarch64" if machine in ("aarch64", "arm64") else machine
    ok, checked = _check(python, LAYER, "aarch64")
    if not ok:
        return [_not_measured(f"the built layer fails build/check_layer.py: {checked}")]
    if machine not in ("aarch64", "x86_64"):
        return [_not_measured(f"no layer can be built for this machine ({machine})")]

    with tempfile.TemporaryDirectory(prefix="bench-built-") as scratch_name:
        scratch = Path(scratch_name)
        home = str(scratch / "home")
        os.mkdir(home)
        # A Python 3.13 with nothing in its site-packages: every import comes from the paths
        # given, or from the stdlib, as on Lambda.
        subprocess.run([python, "-m", "venv", "--without-pip", str(scratch / "py")], check=True)
        child_python = str(scratch / "py" / "bin" / "python")

        twin_note = None
        if machine == "aarch64":
            layer = LAYER
        else:
            layer = _native_layer(python, scratch, machine)
            ok, twin_checked = _check(python, layer, machine)
            if not ok:
                return [_not_measured(f"the {machine} twin failed its check: {twin_checked}")]
            same, total, differ = _same_bytecode(LAYER, layer)
            twin_note = (same, total, differ)
        stripped = scratch / "stripped" / "python"
        shutil.copytree(layer / "python", stripped, ignore=shutil.ignore_patterns("__pycache__"))
        runtime = _runtime(python, scratch)

        functions = _functions()
        baseline = Case("bare `import boto3` (baseline)", "import boto3", (str(runtime),))
        cases = {
            (name, mode): Case(
                name, f"import {module}", (str(BUILD / name), str(site), str(runtime))
            )
            for name, module in functions.items()
            for mode, site in ((SHIPPED, layer / "python"), (STRIPPED, stripped))
        }
        everything = [baseline, *cases.values()]

        def roots(site: Path) -> dict[str, str]:
            # The layer first: on arm64 the measured layer is inside BUILD too.
            return {"layer": str(site), "runtime": str(runtime), "function": str(BUILD)}

        # One untimed `-v` run of each row first: its counts, and a warm file-system cache.
        compiled = {
            key: _compilation(child_python, case, home, roots(Path(case.paths[1])))
            for key, case in cases.items()
        }
        compiled[baseline.name] = _compilation(child_python, baseline, home, roots(stripped))

        samples: dict[int, list[Sample]] = {id(case): [] for case in everything}
        started = time.perf_counter()
        for _ in range(runs):
            for case in everything:  # interleaved, so drift hits every case alike
                sample, _ = _child(child_python, case, home)
                samples[id(case)].append(sample)
        timed = time.perf_counter() - started
        app_ms = _app_compile_ms(child_python, BUILD / WEBHOOK, home)

    return [
        _section(
            functions,
            cases,
            baseline,
            samples,
            compiled,
            runs=runs,
            timed=timed,
            python=version,
            machine=machine,
            built_from=built_from,
            checked=checked,
            twin=twin_note,
            app_ms=app_ms,
        )
    ]


def _not_measured(reason: str) -> Section:
    return Section(
        title=TITLE, intro=f"Not measured: {reason}. Run `make build` and see its output.",
        headers=[], rows=[],
    )  # fmt: skip


def _median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(getattr(sample, attribute) for sample in samples)


def _counts(counts: dict[tuple[str, str], int], kind: str) -> str:
    return " / ".join(str(counts.get((kind, origin), 0)) for origin in ORIGINS)


def _section(functions, cases, baseline, samples, compiled, **info) -> Section:
    def import_s(case: Case) -> float:
        return _median(samples[id(case)], "import_s")

    def wall_s(case: Case) -> float:
        return _median(samples[id(case)], "wall_s")

    snap_start = _snap_start()
    rows = []
    for name in functions:
        shipped, stripped = cases[(name, SHIPPED)], cases[(name, STRIPPED)]
        rows.append(
            [
                f"{name} `{shipped.code}`" + (" (SnapStart)" if name in snap_start else ""),
                ms(import_s(shipped)),
                ms(import_s(stripped)),
                f"{import_s(shipped) / import_s(stripped):.2f}",
                ms(wall_s(shipped)),
                ms(wall_s(stripped)),
                _counts(compiled[(name, SHIPPED)], "source"),
                _counts(compiled[(name, STRIPPED)], "source"),
            ]
        )
    base = compiled[baseline.name]
    rows.append(
        [
            baseline.name,
            ms(import_s(baseline)),
            "—",
            "—",
            ms(wall_s(baseline)),
            "—",
            _counts(base, "source"),
            "—",
        ]
    )

    webhook_shipped, webhook_stripped = cases[(WEBHOOK, SHIPPED)], cases[(WEBHOOK, STRIPPED)]
    total = {
        mode: sum(import_s(cases[(name, mode)]) for name in functions)
        for mode in (SHIPPED, STRIPPED)
    }
    checks = [
        Check(
            "webhook/bare `import boto3` import, shipped .pyc",
            import_s(webhook_shipped) / import_s(baseline),
            TARGET,
        ),
        Check(
            "webhook/bare `import boto3` import, no .pyc in the layer",
            import_s(webhook_stripped) / import_s(baseline),
        ),
        Check(
            "webhook import, shipped/no .pyc",
            import_s(webhook_shipped) / import_s(webhook_stripped),
        ),
        Check(
            f"all {len(functions)} functions' imports (sum of medians), shipped/no .pyc",
            total[SHIPPED] / total[STRIPPED],
        ),
    ]

    notes = [
        "*shipped .pyc*: `.aws-sam/build/SharedLayer/python` as `make build` leaves it, every "
        "module with its `__pycache__/*.cpython-313.pyc` compiled with "
        "`--invalidation-mode unchecked-hash` (build/check_layer.py passed: "
        f"{info['checked'].split(': ', 1)[-1]}). *no .pyc*: a copy of the same tree with every "
        "`__pycache__` removed, which is what a timestamp-based .pyc amounts to once SAM's zip "
        "has set every file to 1980: the import compiles the layer from source at each cold "
        "start. The counts above are from one extra `-v` run per row, untimed and first, "
        "which also warms the file-system cache (function / layer / runtime / stdlib). The "
        "layer's code objects name their files as /opt/python/…, so here the loader renames "
        "them to the real path as it loads each .pyc, a small cost Lambda does not pay.",
        "*runtime*: a stand-in for the boto3 the python3.13 runtime brings, "
        f"`{_boto3_pin()}` (the dev pin) and its dependencies installed by pip into a folder "
        "placed after the layer on sys.path, with ordinary .pyc files as the runtime's image "
        "has. The layer carries botocore itself (pynamodb depends on it), so in the functions' "
        "rows botocore comes from the layer and only boto3 and s3transfer from the runtime, as "
        "on Lambda; the baseline imports the runtime's own botocore.",
        "Each child is a fresh interpreter of an empty Python 3.13 virtualenv (nothing in its "
        "site-packages), run with `-B` so that it writes no .pyc, as on Lambda's read-only "
        "/var/task and /opt; the environment is (a)'s (region, dummy credentials, no config "
        "files, no instance metadata), without PYTHONPYCACHEPREFIX.",
        f"The functions' own code is one small module each, `app.py`, which SAM's python "
        f"builder ships without bytecode: compiling the webhook's takes {info['app_ms']:.1f} ms "
        "(median of 200 `compile()` calls), which every cold start pays and which shows in "
        "the *function* column of the counts.",
        f"Build measured: {info['built_from']}.",
    ]
    if snap_start:
        notes.insert(
            -1,
            f"Functions marked *SnapStart* ({len(snap_start)} of {len(functions)}) run this "
            "import once per published version, when Lambda takes the snapshot; their cold "
            "starts resume the snapshot instead. For them the bytecode shortens the "
            "snapshot's init (and any start without a snapshot), not every cold start; the "
            "others, the webhook among them, pay the import at each cold start.",
        )
    if info["twin"] is not None:
        same, total_pycs, differ = info["twin"]
        distributions = "the same distributions" if not differ else f"differences: {differ}"
        notes.insert(
            0,
            f"**Measured on {info['machine']}, not arm64.** The deployed layer's extension "
            "modules (cryptography, pillow, pydantic-core, …) are arm64 and do not load here, "
            "so this run built an x86_64 twin of the layer with the same Makefile "
            "(`make -f layers/shared/Makefile build-SharedLayer PLATFORM=x86_64`), the same "
            f"pins and the same compileall step: {distributions} as the arm64 build, and "
            f"{same} of its {total_pycs} .pyc files are byte for byte the arm64 build's. The "
            "functions' folders are the build's own (pure Python, the same for both).",
        )
    return Section(
        title=TITLE,
        intro=(
            f"Median of {info['runs']} fresh Python {info['python']} processes per row, runs "
            f"of all rows interleaved ({info['timed']:.0f} s in all). *Import* is timed inside "
            "the child around `import app` (for the baseline: around `import boto3`); "
            "*process* is the parent's wall time for the whole child, interpreter start-up "
            "included. The last two columns count the modules each import compiled from "
            "source, as function / layer / runtime / stdlib."
        ),
        headers=[
            "Function",
            "Import, shipped .pyc (ms)",
            "Import, no .pyc (ms)",
            "Shipped/none",
            "Process, shipped .pyc (ms)",
            "Process, no .pyc (ms)",
            "Compiled from source, shipped .pyc",
            "Compiled from source, no .pyc",
        ],
        rows=rows,
        checks=checks,
        notes=notes,
    )

"""The shared layer's build (layers/shared/Makefile) and its check (build/check_layer.py).

Offline: the Makefile runs with a stand-in for pip that only records its arguments, so what it
does with library_service (copy, drop the source tree's __pycache__, unchecked-hash bytecode)
is tested for real, and the wheels part by the pip command it would run. `make build` builds
the real layer from PyPI and runs build/check_layer.py on it.
"""

from __future__ import annotations

import importlib.util
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER_MAKEFILE = ROOT / "layers" / "shared" / "Makefile"
CHECK_LAYER = ROOT / "build" / "check_layer.py"

_spec = importlib.util.spec_from_file_location("check_layer", CHECK_LAYER)
check_layer = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("check_layer", check_layer)  # its dataclasses look their module up
_spec.loader.exec_module(check_layer)


def _python313() -> str:
    found = subprocess.run(
        [str(ROOT / "build" / "find-python313")], capture_output=True, text=True, check=False
    )
    if found.returncode != 0 or shutil.which("make") is None:
        pytest.skip(f"needs make and Python 3.13: {found.stderr.strip()}")
    return found.stdout.strip()


def _make_layer(tmp_path: Path, *variables: str) -> tuple[Path, list[str]]:
    python = _python313()
    record = tmp_path / "pip-args"
    pip = tmp_path / "pip"
    pip.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    pip.chmod(0o755)
    artifacts = tmp_path / "SharedLayer"
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            str(LAYER_MAKEFILE),
            "build-SharedLayer",
            f"ARTIFACTS_DIR={artifacts}",
            f"LAYER_PYTHON={python}",
            f"LAYER_PIP={pip}",
            *variables,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return artifacts, record.read_text().splitlines()


def test_layer_makefile_asks_pip_for_pinned_cp313_wheels_for_arm64(tmp_path):
    artifacts, args = _make_layer(tmp_path)
    assert args[0] == "install"
    assert "--only-binary=:all:" in args and "--no-compile" in args
    assert args[args.index("--python-version") + 1] == "3.13"
    assert args[args.index("--implementation") + 1] == "cp"
    platforms = [args[i + 1] for i, arg in enumerate(args) if arg == "--platform"]
    assert platforms and all(platform.endswith("_aarch64") for platform in platforms)
    assert "manylinux2014_aarch64" in platforms
    assert args[args.index("--target") + 1] == str(artifacts / "python")
    assert args[args.index("-r") + 1] == str(ROOT / "layers" / "shared" / "requirements.txt")
    assert args[args.index("-c") + 1] == str(ROOT / "constraints.txt")


def test_layer_makefile_platform_variable_selects_x86_64_wheels(tmp_path):
    _, args = _make_layer(tmp_path, "PLATFORM=x86_64")
    platforms = [args[i + 1] for i, arg in enumerate(args) if arg == "--platform"]
    assert platforms and all(platform.endswith("_x86_64") for platform in platforms)


def test_layer_makefile_compiles_library_service_to_unchecked_hash_bytecode(tmp_path):
    artifacts, _ = _make_layer(tmp_path)
    site = artifacts / "python"
    sources = sorted((ROOT / "layers" / "shared" / "library_service").rglob("*"))
    for source in sources:
        if source.is_file() and "__pycache__" not in source.parts:
            assert (site / source.relative_to(ROOT / "layers" / "shared")).is_file(), source
    assert not list(site.rglob("*.cpython-311.pyc")), "the source tree's own bytecode was shipped"
    checked = subprocess.run(
        [_python313(), str(CHECK_LAYER), str(artifacts)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "unchecked-hash cpython-313 bytecode" in checked.stdout


def test_layer_makefile_refuses_to_run_without_artifacts_dir(tmp_path):
    done = subprocess.run(
        ["make", "--no-print-directory", "-f", str(LAYER_MAKEFILE), "build-SharedLayer"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode != 0
    assert "ARTIFACTS_DIR is not set" in done.stderr


# build/check_layer.py, run here by this Python: its cache tag and magic number are the ones
# expected, as they are Python 3.13's when `make build` runs it.


def _layer(tmp_path: Path, mode=py_compile.PycInvalidationMode.UNCHECKED_HASH) -> Path:
    site = tmp_path / "layer" / "python"
    (site / "library_service").mkdir(parents=True)
    (site / "library_service" / "__init__.py").write_text('"""The layer."""\n')
    (site / "library_service" / "config.py").write_text("REGION = 'ap-northeast-1'\n")
    for source in site.rglob("*.py"):
        py_compile.compile(str(source), doraise=True, invalidation_mode=mode)
    return tmp_path / "layer"


def _elf(path: Path, machine: int) -> None:
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(11) + machine.to_bytes(2, "little"))


def test_check_layer_accepts_unchecked_hash_bytecode_and_the_right_elf(tmp_path):
    layer = _layer(tmp_path)
    _elf(layer / "python" / "_speedups.cpython-313-aarch64-linux-gnu.so", 183)
    _elf(layer / "python" / "libfoo-1a2b.so.1.2", 183)
    (layer / "python" / "legacy_py2.py").write_text("print 'hello'\n")
    result = check_layer.check(layer, "aarch64")
    assert result.errors == []
    assert (result.modules, result.elf_files) == (2, 2)
    assert result.uncompilable == ["legacy_py2.py"]
    assert check_layer.main([str(layer)]) == 0


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (py_compile.PycInvalidationMode.TIMESTAMP, "timestamp-based, not unchecked-hash"),
        (py_compile.PycInvalidationMode.CHECKED_HASH, "checked-hash, not unchecked-hash"),
    ],
)
def test_check_layer_refuses_other_kinds_of_bytecode(tmp_path, mode, expected):
    result = check_layer.check(_layer(tmp_path, mode), "aarch64")
    assert len(result.errors) == 2
    assert all(expected in error for error in result.errors)


def test_check_layer_refuses_stale_missing_and_foreign_bytecode(tmp_path):
    layer = _layer(tmp_path)
    site = layer / "python"
    (site / "library_service" / "config.py").write_text("REGION = 'us-east-1'\n")
    (site / "library_service" / "wiring.py").write_text("WIRED = True\n")
    (site / "library_service" / "__pycache__" / "config.cpython-312.pyc").write_bytes(bytes(16))
    errors = "\n".join(check_layer.check(layer, "aarch64").errors)
    assert "config.py: .pyc was compiled from another version of the source" in errors
    assert f"wiring.py: no {sys.implementation.cache_tag} bytecode" in errors
    assert "config.cpython-312.pyc: bytecode other than this Python's" in errors


def test_check_layer_refuses_extension_modules_for_another_machine(tmp_path):
    layer = _layer(tmp_path)
    _elf(layer / "python" / "_speedups.cpython-313-x86_64-linux-gnu.so", 62)
    (result_error,) = check_layer.check(layer, "aarch64").errors
    assert result_error.endswith("built for x86_64, not aarch64")
    assert check_layer.check(layer, "x86_64").errors == []


def test_check_layer_says_what_is_wrong_when_the_layer_has_no_bytecode(tmp_path, capsys):
    layer = _layer(tmp_path)
    shutil.rmtree(layer / "python" / "library_service" / "__pycache__")
    assert check_layer.main([str(layer)]) == 1
    assert "BuildMethod: makefile" in capsys.readouterr().err

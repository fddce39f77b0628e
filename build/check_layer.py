"""Check a built layer: its bytecode is for this interpreter and never looks at a source.

`make build` runs it with Python 3.13 after `sam build`:

    python3.13 build/check_layer.py .aws-sam/build/SharedLayer --platform aarch64

Every module under `<layer>/python` must have its `__pycache__/<name>.cpython-313.pyc` (the
running interpreter's cache tag) whose 16-byte header holds this interpreter's magic number,
flags 0b01 (hash-based, source not checked: unchecked-hash) and the SipHash of the source as it
is. A source that Python cannot compile at all (a Python 2 module a wheel carries but never
imports) is the only one allowed no .pyc. Bytecode of any other kind is refused: another
Python's cache tag, optimised levels, timestamp-based or checked-hash .pyc files. Every ELF
file (extension modules and the libraries wheels bundle) must be for the given platform.
"""

from __future__ import annotations

import argparse
import importlib.util
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

UNCHECKED_HASH = 0b01
FLAG_NAMES = {0b00: "timestamp-based", 0b01: "unchecked-hash", 0b11: "checked-hash"}
ELF_MACHINES = {"aarch64": 183, "x86_64": 62}


@dataclass
class Result:
    site: Path
    modules: int = 0
    elf_files: int = 0
    uncompilable: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, path: Path, message: str) -> None:
        self.errors.append(f"{path.relative_to(self.site)}: {message}")


def _pyc_problem(source: Path, pyc: Path) -> str | None:
    header = pyc.read_bytes()[:16]
    if len(header) < 16:
        return "truncated .pyc"
    magic, (flags,), stored_hash = header[:4], struct.unpack("<I", header[4:8]), header[8:16]
    if magic != importlib.util.MAGIC_NUMBER:
        return f".pyc magic {magic!r} is not this Python's {importlib.util.MAGIC_NUMBER!r}"
    if flags != UNCHECKED_HASH:
        return f".pyc is {FLAG_NAMES.get(flags, f'flags {flags:#b}')}, not unchecked-hash"
    if stored_hash != importlib.util.source_hash(source.read_bytes()):
        return ".pyc was compiled from another version of the source"
    return None


def _compiles(source: Path) -> bool:
    try:
        compile(source.read_bytes(), str(source), "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _check_bytecode(result: Result) -> None:
    tag = sys.implementation.cache_tag
    expected: set[Path] = set()
    for source in sorted(result.site.rglob("*.py")):
        pyc = Path(importlib.util.cache_from_source(str(source)))
        if pyc.is_file():
            expected.add(pyc)
            result.modules += 1
            problem = _pyc_problem(source, pyc)
            if problem:
                result.error(source, problem)
        elif _compiles(source):
            result.error(source, f"no {tag} bytecode")
        else:
            result.uncompilable.append(str(source.relative_to(result.site)))
    for pyc in sorted(result.site.rglob("*.py[co]")):
        if pyc not in expected:
            result.error(pyc, f"bytecode other than this Python's ({tag}, no optimisation level)")


def _check_elf(result: Result, platform: str) -> None:
    machine = ELF_MACHINES[platform]
    for path in sorted(result.site.rglob("*.so*")):
        if not path.is_file() or not (path.name.endswith(".so") or ".so." in path.name):
            continue
        header = path.read_bytes()[:20]
        if header[:4] != b"\x7fELF":
            result.error(path, "not an ELF file")
            continue
        result.elf_files += 1
        byteorder = "little" if header[5] == 1 else "big"
        found = int.from_bytes(header[18:20], byteorder)
        if found != machine:
            name = {number: name for name, number in ELF_MACHINES.items()}.get(found)
            result.error(path, f"built for {name or f'e_machine {found}'}, not {platform}")


def check(layer: Path, platform: str) -> Result:
    """The layer folder (with python/ inside) as SAM builds it, for the given platform."""
    result = Result(layer / "python")
    if not (result.site / "library_service" / "__init__.py").is_file():
        result.errors.append(f"{result.site}: no library_service package")
        return result
    _check_bytecode(result)
    if result.modules == 0:
        # Not one .pyc: the layer was built some other way than layers/shared/Makefile.
        result.errors = [
            f"{result.site}: no {sys.implementation.cache_tag} bytecode at all; is SharedLayer "
            "built with Metadata BuildMethod: makefile (layers/shared/Makefile)?"
        ]
        return result
    _check_elf(result, platform)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("layer", type=Path, help="the built layer, e.g. .aws-sam/build/SharedLayer")
    parser.add_argument("--platform", choices=sorted(ELF_MACHINES), default="aarch64")
    args = parser.parse_args(argv)

    result = check(args.layer, args.platform)
    if result.errors:
        print(f"{args.layer}: {len(result.errors)} problems", file=sys.stderr)
        for line in result.errors[:20]:
            print(f"  {line}", file=sys.stderr)
        if len(result.errors) > 20:
            print(f"  … and {len(result.errors) - 20} more", file=sys.stderr)
        return 1
    skipped = ", ".join(result.uncompilable) or "none"
    print(
        f"{args.layer}: {result.modules} modules with unchecked-hash "
        f"{sys.implementation.cache_tag} bytecode, {result.elf_files} ELF files for "
        f"{args.platform}; sources Python cannot compile (no .pyc): {skipped}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

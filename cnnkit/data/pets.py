"""The Oxford-IIIT Pet data set: photos of 37 cat and dog breeds with pixel-level trimaps.

Parkhi, Vedaldi, Zisserman and Jawahar, *Cats and Dogs*, CVPR 2012; CC BY-SA 4.0. The data
(about 800 MB) is not shipped with the course: notebook 10 trains offline on generated
scenes and switches to the pets online, e.g. in Colab. :func:`load_oxford_pets` looks for
the data in this order and uses the first place that has it:

1. the ``path`` argument, when given (a missing or broken path is an error, not a fallback);
2. the project's data folder: ``data/oxford-iiit-pet`` (or under ``$CNNKIT_DATA_DIR``);
3. the Keras cache: ``~/.keras/datasets/oxford-iiit-pet`` (or under ``$KERAS_HOME``);
4. a download of ``images.tar.gz`` and ``annotations.tar.gz`` from the University of Oxford,
   unpacked into the Keras cache, unless ``download=False`` or ``$CNNKIT_OFFLINE=1``. Each
   archive is checked against its published SHA-256 before it is unpacked; a corrupt one is
   deleted and reported (:mod:`cnnkit.data.remote` does the search, the download and the checks).

A data folder holds ``images/<name>.jpg``, ``annotations/trimaps/<name>.png`` and the split
lists ``annotations/trainval.txt``, ``annotations/test.txt`` and ``annotations/list.txt``,
whose lines read ``<name> <class id 1-37> <species 1=cat 2=dog> <breed id>``.
"""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from cnnkit import config
from cnnkit.data.remote import (
    CorruptDataError,
    Download,
    RemoteFile,
    fetch,
    find,
    keras_cache_place,
    not_at_given_path,
    project_place,
)

PETS_URL = "https://thor.robots.ox.ac.uk/~vgg/data/pets/"
PETS_HOST = "thor.robots.ox.ac.uk"
FOLDER_NAME = "oxford-iiit-pet"
SPLITS = {"trainval": "trainval.txt", "test": "test.txt", "all": "list.txt"}
#: The smallest ``image_size`` accepted, in pixels.
MIN_IMAGE_SIZE = 8

#: Mask classes after loading. The trimaps store 1 = pet, 2 = background, 3 = the unsure
#: border around the pet; the loader renumbers them so that background is 0, as in make_shapes.
PETS_CLASSES = ("background", "pet", "border")
_TRIMAP_TO_CLASS = np.array([255, 1, 0, 2], np.uint8)  # index = trimap value; 255 marks "invalid"

#: Breed names in the order of the class ids 1..37 (capitalised names are cats).
PETS_BREEDS = (
    "Abyssinian", "american_bulldog", "american_pit_bull_terrier", "basset_hound", "beagle",
    "Bengal", "Birman", "Bombay", "boxer", "British_Shorthair", "chihuahua", "Egyptian_Mau",
    "english_cocker_spaniel", "english_setter", "german_shorthaired", "great_pyrenees", "havanese",
    "japanese_chin", "keeshond", "leonberger", "Maine_Coon", "miniature_pinscher", "newfoundland",
    "Persian", "pomeranian", "pug", "Ragdoll", "Russian_Blue", "saint_bernard", "samoyed",
    "scottish_terrier", "shiba_inu", "Siamese", "Sphynx", "staffordshire_bull_terrier",
    "wheaten_terrier", "yorkshire_terrier",
)

HOW_TO_GET = (
    "  - connect to the internet and call again: the archives are downloaded from "
    f"{PETS_URL}, checked and unpacked into the Keras cache\n"
    "  - or download images.tar.gz and annotations.tar.gz from https://www.robots.ox.ac.uk/~vgg/data/pets/ "
    f"and unpack both into data/{FOLDER_NAME}/ (giving images/ and annotations/ there)"
)

#: The two archives as published, with their SHA-256 (the sums TensorFlow Datasets pins too).
PETS_ARCHIVES = (
    RemoteFile("images.tar.gz", "67195c5e1c01f1ab5f9b6a5d22b8c27a580d896ece458917e61d459337fa318d",
               urls=(PETS_URL + "images.tar.gz",), how_to_get=HOW_TO_GET, size_bytes=791_918_971),
    RemoteFile("annotations.tar.gz", "52425fb6de5c424942b7626b428656fcbd798db970a937df61750c0f1d358e91",
               urls=(PETS_URL + "annotations.tar.gz",), how_to_get=HOW_TO_GET, size_bytes=19_173_078),
)


class PetsData(NamedTuple):
    """Loaded pets.

    Attributes:
        images: uint8 ``(n, size, size, 3)``, each photo resized (not cropped) to a square.
        masks: uint8 ``(n, size, size)``, classes of ``PETS_CLASSES``: 0 background, 1 pet,
            2 border.
        breeds: int32 ``(n,)``, index into ``breed_names``.
        names: the file name (without extension) of each photo.
        class_names: ``PETS_CLASSES``.
        breed_names: ``PETS_BREEDS``.
    """

    images: np.ndarray
    masks: np.ndarray
    breeds: np.ndarray
    names: tuple[str, ...]
    class_names: tuple[str, ...]
    breed_names: tuple[str, ...]


# --------------------------------------------------------------------------- reading a folder
def is_pets_folder(folder: Path) -> bool:
    """True when ``folder`` holds ``images/``, ``annotations/trimaps/`` and the split lists."""
    annotations = folder / "annotations"
    return ((folder / "images").is_dir() and (annotations / "trimaps").is_dir()
            and all((annotations / name).is_file() for name in SPLITS.values()))


def read_split_list(path: Path) -> list[tuple[str, int]]:
    """``(name, breed index 0..36)`` for each line of a split list; ``#`` lines are comments."""
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 4 or not all(field.isdigit() for field in fields[1:]) \
                or not 1 <= int(fields[1]) <= len(PETS_BREEDS):
            raise CorruptDataError(f"{path}, line {number}: expected '<name> <class id 1-37> <species> "
                                   f"<breed id>', found {line.strip()!r}.")
        entries.append((fields[0], int(fields[1]) - 1))
    return entries


def _read_pair(folder: Path, name: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    from PIL import Image, UnidentifiedImageError

    image_path = folder / "images" / f"{name}.jpg"
    trimap_path = folder / "annotations" / "trimaps" / f"{name}.png"
    try:
        with Image.open(image_path) as photo:
            # A few photos are greyscale, CMYK or have an alpha channel: convert them all to RGB.
            image = np.asarray(photo.convert("RGB").resize((size, size), Image.Resampling.BILINEAR))
        with Image.open(trimap_path) as trimap:
            # Nearest neighbour keeps the labels; any interpolation would invent new ones.
            values = np.asarray(trimap.resize((size, size), Image.Resampling.NEAREST))
    except (OSError, UnidentifiedImageError) as error:
        raise CorruptDataError(f"Cannot read the photo or trimap of {name!r} in {folder}: {error}") from error
    if values.ndim != 2 or values.min() < 1 or values.max() > 3:
        raise CorruptDataError(f"{trimap_path}: a trimap holds one value per pixel, 1, 2 or 3; "
                               f"found shape {values.shape} with values {np.unique(values)[:6].tolist()}.")
    return image, _TRIMAP_TO_CLASS[values]


def read_pets_folder(folder: Path, split: str = "trainval", image_size: int = 128,
                     limit: int | None = None) -> PetsData:
    """Read one split of an unpacked Oxford-IIIT Pet folder (see the module docstring)."""
    entries = read_split_list(folder / "annotations" / SPLITS[split])
    if limit is not None and limit < len(entries):
        # Evenly spaced over the list, which is sorted by breed, so that every breed appears.
        entries = [entries[i] for i in np.linspace(0, len(entries) - 1, limit).round().astype(int)]
    pairs = [_read_pair(folder, name, image_size) for name, _ in entries]
    images = np.stack([image for image, _ in pairs]) if pairs else np.zeros((0, image_size, image_size, 3), np.uint8)
    masks = np.stack([mask for _, mask in pairs]) if pairs else np.zeros((0, image_size, image_size), np.uint8)
    breeds = np.array([breed for _, breed in entries], np.int32)
    return PetsData(images, masks, breeds, tuple(name for name, _ in entries), PETS_CLASSES, PETS_BREEDS)


# --------------------------------------------------------------------------- downloading
def download_pets(folder: Path) -> Path:
    """Download both archives (into the course's download cache, each checked against its
    SHA-256 by :func:`cnnkit.data.remote.fetch`), unpack them into ``folder``, delete the
    archives and return ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    archives = [fetch(archive) for archive in PETS_ARCHIVES]
    for archive in archives:
        # The archives are named .tar.gz but are plain tar files: "r:*" reads either.
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        archive.unlink()  # 800 MB that the unpacked folder now holds
    return folder


# --------------------------------------------------------------------------- the search
_PLACES = (project_place(FOLDER_NAME, is_pets_folder), keras_cache_place(f"datasets/{FOLDER_NAME}", is_pets_folder))


def load_oxford_pets(split: str = "trainval", image_size: int = 128, limit: int | None = None,
                     path: str | Path | None = None, download: bool = True) -> PetsData:
    """Load photos and segmentation masks of the Oxford-IIIT Pet data set.

    Args:
        split: ``"trainval"`` (3,680 photos), ``"test"`` (3,669) or ``"all"``.
        image_size: photos and masks are resized to ``image_size x image_size`` pixels
            (bilinear for photos, nearest neighbour for masks).
        limit: read only this many photos, spread evenly over the breeds (None: all).
        path: a folder holding ``images/`` and ``annotations/``; skips the search.
        download: allow a download (about 800 MB) when the data is nowhere on disk.

    Returns:
        :class:`PetsData`; masks use ``PETS_CLASSES`` (0 background, 1 pet, 2 border).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {tuple(SPLITS)}, got {split!r}.")
    if image_size < MIN_IMAGE_SIZE:
        raise ValueError(f"image_size must be at least {MIN_IMAGE_SIZE} pixels, got {image_size!r}.")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be None or >= 0, got {limit!r}.")
    if path is not None:
        path = Path(path).expanduser()
        folder = next((folder for folder in (path, path / FOLDER_NAME) if is_pets_folder(folder)), None)
        if folder is None:
            raise not_at_given_path("Oxford-IIIT Pet", path, HOW_TO_GET,
                                    expected="images/ and annotations/ with trimaps/ and the split lists")
    else:
        unpack_into = config.keras_cache_dir() / "datasets" / FOLDER_NAME
        downloads = (Download(PETS_HOST, lambda: download_pets(unpack_into)),)
        folder = find("Oxford-IIIT Pet", _PLACES, HOW_TO_GET, downloads, download)
    return read_pets_folder(folder, split, image_size, limit)

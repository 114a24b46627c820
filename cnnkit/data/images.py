"""Real photographs that ship inside installed packages, and one painting that ships in this
repository's ``data/`` folder, so every demo runs offline.

``sample_image(name)`` returns a float32 array in [0, 1] of shape ``(height, width, 3)``,
or ``(height, width, 1)`` with ``gray=True``. ``list_sample_images()`` names each image
with its credit and licence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cnnkit import config
from cnnkit.data.remote import RemoteFile, fetch, project_place


def _skimage(name: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import skimage.data

        return getattr(skimage.data, name)()

    return load


def _sklearn(filename: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        from sklearn.datasets import load_sample_image

        return load_sample_image(filename)

    return load


def _matplotlib(filename: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import matplotlib.cbook
        import matplotlib.image

        with matplotlib.cbook.get_sample_data(filename) as handle:
            return matplotlib.image.imread(handle, format=filename.rsplit(".", 1)[-1])

    return load


def _course_file(name: str, sha256: str) -> RemoteFile:
    """A file of the repository's ``data/`` folder. Where cnnkit is installed without the
    repository (Colab), it is downloaded once from the course repository on GitHub."""
    return RemoteFile(name, sha256, places=(project_place(name),),
                      urls=(f"https://raw.githubusercontent.com/{config.COURSE_REPO}/main/data/{name}",))


#: The paintings committed to the repository's data/ folder, with their SHA-256.
STARRY_NIGHT = _course_file("starry_night.jpg", "5cd14f39f54c0a518f2fdcdf784c2c91219df97505446866817d1e2777b84a70")


def _project(file: RemoteFile) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import matplotlib.image

        return matplotlib.image.imread(fetch(file))

    return load


@dataclass(frozen=True)
class SampleImage:
    """Where a photo comes from and who made it."""

    load: Callable[[], np.ndarray]
    package: str
    credit: str


SAMPLE_IMAGES: dict[str, SampleImage] = {
    "astronaut": SampleImage(_skimage("astronaut"), "scikit-image",
                             "Eileen Collins, NASA; public domain"),
    "chelsea": SampleImage(_skimage("chelsea"), "scikit-image",
                           "Chelsea the cat, by Stefan van der Walt; CC0"),
    "coffee": SampleImage(_skimage("coffee"), "scikit-image",
                          "Coffee cup, by Rachel Michetti, courtesy of Pikolo Espresso Bar; CC0"),
    "camera": SampleImage(_skimage("camera"), "scikit-image",
                          "Cameraman, by Lav Varshney; CC0"),
    "rocket": SampleImage(_skimage("rocket"), "scikit-image",
                          "Falcon 9 launching DSCOVR, SpaceX; public domain"),
    "coins": SampleImage(_skimage("coins"), "scikit-image",
                         "Greek coins from Pompeii, Brooklyn Museum; no known copyright restrictions"),
    "hubble": SampleImage(_skimage("hubble_deep_field"), "scikit-image",
                          "Hubble eXtreme Deep Field, NASA; public domain"),
    "brick": SampleImage(_skimage("brick"), "scikit-image", "Brick wall texture, CC0 Textures; CC0"),
    "grass": SampleImage(_skimage("grass"), "scikit-image", "Grass texture, by linolafett; CC0"),
    "gravel": SampleImage(_skimage("gravel"), "scikit-image", "Gravel texture, CC0 Textures; CC0"),
    "china": SampleImage(_sklearn("china.jpg"), "scikit-learn",
                         "Summer palace, China, by danielbuechele on Flickr; CC BY 2.0"),
    "flower": SampleImage(_sklearn("flower.jpg"), "scikit-learn",
                          "Flower, by vultilion on Flickr; CC BY 2.0"),
    "grace_hopper": SampleImage(_matplotlib("grace_hopper.jpg"), "matplotlib",
                                "Rear Admiral Grace Hopper, U.S. Navy photo; public domain"),
    "starry_night": SampleImage(_project(STARRY_NIGHT), "this course's data/ folder",
                                "The Starry Night, by Vincent van Gogh, 1889; public domain (via Debian's opencv-doc)"),
}


def list_sample_images() -> dict[str, str]:
    """Map each available image name to ``"credit (ships with package)"``."""
    return {name: f"{image.credit} (ships with {image.package})" for name, image in SAMPLE_IMAGES.items()}


def _to_unit_float(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.float32) / np.iinfo(array.dtype).max
    return np.clip(array.astype(np.float32), 0.0, 1.0)


def _centre_square(image: np.ndarray) -> np.ndarray:
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return image[top:top + side, left:left + side]


def sample_image(name: str, image_size: int | tuple[int, int] | None = None, gray: bool = False) -> np.ndarray:
    """Load a real photo by name as float32 in [0, 1].

    Args:
        name: one of :func:`list_sample_images`.
        image_size: ``None`` keeps the original size; ``(height, width)`` resizes to exactly that;
            an int crops the centre square and resizes it to ``image_size x image_size``.
        gray: return luminance only, shape ``(height, width, 1)``; otherwise ``(height, width, 3)``.
    """
    if name not in SAMPLE_IMAGES:
        raise ValueError(f"Unknown sample image {name!r}; available: {', '.join(SAMPLE_IMAGES)}.")
    image = _to_unit_float(SAMPLE_IMAGES[name].load())
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    image = image[..., :3]  # drop an alpha channel if there is one
    if image_size is not None:
        from skimage.transform import resize

        if isinstance(image_size, int):
            image, image_size = _centre_square(image), (image_size, image_size)
        if len(image_size) != 2 or min(image_size) < 1:
            raise ValueError(f"image_size must be a positive int or (height, width), got {image_size!r}.")
        image = resize(image, image_size, anti_aliasing=True, preserve_range=True).astype(np.float32)
    if gray:
        # ITU-R BT.601 luma weights, the ones most image libraries use for "grey".
        image = image @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        image = image[..., None]
    return np.clip(image, 0.0, 1.0).astype(np.float32)

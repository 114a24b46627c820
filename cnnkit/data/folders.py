"""Your own images: a folder with one sub-folder per class, checked before Keras reads it.

``keras.utils.image_dataset_from_directory`` reads such a folder, but a missing folder, a class
without images or a file that is not an image surface as errors deep inside TensorFlow, some only
when the first batch is read. :func:`check_image_folder` finds them first and says what to fix.
:func:`write_example_folder` builds an example folder from photos the course already ships.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cnnkit.config import data_dir

#: The file types ``keras.utils.image_dataset_from_directory`` reads.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")

#: The example folder's classes, each made of crops of these shipped photos (``cnnkit.data.sample_image``).
EXAMPLE_CLASSES = {"brick": ("brick",), "grass": ("grass",), "gravel": ("gravel",)}


def write_example_folder(path: str | Path | None = None, crops_per_class: int = 24, image_size: int = 96) -> Path:
    """Write a small image folder, one sub-folder per class, from photos the course ships.

    Each class is a texture photo of scikit-image (brick, grass, gravel); its images are
    non-overlapping square crops of it, written as PNG files. Crops of one photo look alike, so the
    example shows the mechanics of a folder data set, not how hard a real one is.

    Args:
        path: where to write it; ``None`` means ``data/cache/image_folder_example`` (git-ignored).
        crops_per_class: images per class (at least 2).
        image_size: the side of each crop in pixels, taken from the photo resized so that
            ``crops_per_class`` crops of that side fit.

    Returns:
        The folder's path. Files already there are overwritten; nothing else is removed.
    """
    from PIL import Image

    from cnnkit.data.images import sample_image

    if crops_per_class < 2 or image_size < 8:
        raise ValueError(f"crops_per_class must be >= 2 and image_size >= 8, got {crops_per_class} and {image_size}.")
    folder = Path(path) if path is not None else data_dir() / "cache" / "image_folder_example"
    side = int(np.ceil(np.sqrt(crops_per_class)))  # a side x side grid of crops per photo
    for name, photos in EXAMPLE_CLASSES.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        count = 0
        for photo in photos:
            image = sample_image(photo, side * image_size)  # the centre square, resized to fit the grid
            for row in range(side):
                for col in range(side):
                    if count == crops_per_class:
                        break
                    crop = image[row * image_size:(row + 1) * image_size, col * image_size:(col + 1) * image_size]
                    Image.fromarray((crop * 255).round().astype(np.uint8)).save(folder / name / f"{name}_{count:03d}.png")
                    count += 1
    return folder


def check_image_folder(path: str | Path) -> dict[str, int]:
    """Check a folder of images before ``image_dataset_from_directory`` reads it.

    It must exist, hold at least two sub-folders (the classes), each with at least one image, and
    every image file must open as an image. Files with other suffixes are ignored, as Keras does.

    Args:
        path: the folder, with one sub-folder per class.

    Returns:
        Class name -> number of images, in the alphabetical order Keras numbers the classes.

    Raises:
        FileNotFoundError: the folder does not exist or is not a folder.
        ValueError: fewer than two classes, a class without images, or a file that is not a
            readable image; the message names the folder or the file.
    """
    from PIL import Image, UnidentifiedImageError

    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"Image folder {str(folder)!r} does not exist (or is not a folder). Make it, with one "
                                "sub-folder per class holding that class's images, or set the path to yours.")
    classes = sorted(entry for entry in folder.iterdir() if entry.is_dir() and not entry.name.startswith("."))
    if not classes:
        raise ValueError(f"Image folder {str(folder)!r} has no sub-folders: put each class's images in a sub-folder "
                         "named after the class (for example cats/ and dogs/).")
    if len(classes) < 2:
        raise ValueError(f"Image folder {str(folder)!r} has a single class ({classes[0].name!r}): a classifier needs at "
                         "least two sub-folders, one per class.")
    counts = {}
    for class_folder in classes:
        images = sorted(f for f in class_folder.rglob("*") if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
        if not images:
            raise ValueError(f"Class folder {str(class_folder)!r} holds no images (files ending in "
                             f"{', '.join(IMAGE_SUFFIXES)}): add some, or remove the folder.")
        for image in images:
            try:
                with Image.open(image) as opened:
                    opened.verify()  # reads the whole file's structure without decoding the pixels
            except (UnidentifiedImageError, OSError, SyntaxError) as error:
                raise ValueError(f"{str(image)!r} is not a readable image ({type(error).__name__}: {error}): "
                                 "delete it or replace it with a JPEG or PNG file.") from None
        counts[class_folder.name] = len(images)
    return counts

"""A generated data set of coloured shapes with per-pixel masks and bounding boxes.

One call gives everything three tasks need: ``labels`` for classification, ``masks`` for
semantic segmentation and ``boxes`` with ``box_classes`` for detection. The same seed
always gives the same images, and a thousand 64x64 images take well under a second.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

SHAPE_CLASSES = ("circle", "square", "triangle")
BACKGROUNDS = ("plain", "noise", "texture")
#: The smallest ``image_size`` accepted, in pixels.
MIN_IMAGE_SIZE = 16
#: Placements ``make_shapes`` tries for a shape before leaving it out (with ``max_occlusion`` < 1).
PLACEMENT_TRIES = 20


class ShapesData(NamedTuple):
    """Generated scenes.

    Attributes:
        images: float32 ``(n, size, size, 3)`` in [0, 1].
        masks: uint8 ``(n, size, size)``; 0 is background, ``k + 1`` is class ``k``. Where
            shapes overlap, the one drawn last is on top.
        labels: int32 ``(n,)``, the class covering the most pixels of each image.
        boxes: float32 ``(n, max_shapes, 4)`` as ``(x_min, y_min, x_max, y_max)`` in pixels,
            ``x_max``/``y_max`` exclusive; the full extent of each shape even where another
            shape covers part of it. Rows beyond an image's shape count are zero.
        box_classes: int32 ``(n, max_shapes)``, the class of each box, -1 for padding rows.
        class_names: the names of the classes, ``SHAPE_CLASSES``.
    """

    images: np.ndarray
    masks: np.ndarray
    labels: np.ndarray
    boxes: np.ndarray
    box_classes: np.ndarray
    class_names: tuple[str, ...]


def _shape_mask(kind: int, size: int, cx: float, cy: float, radius: float, angle: float) -> np.ndarray:
    """Boolean ``(size, size)`` mask of one shape centred at (cx, cy) with the given radius."""
    # Pixel centres sit at half-integer coordinates.
    ys, xs = np.mgrid[0:size, 0:size] + 0.5
    dx, dy = xs - cx, ys - cy
    # Rotate the coordinates instead of the shape.
    u = dx * np.cos(angle) + dy * np.sin(angle)
    v = -dx * np.sin(angle) + dy * np.cos(angle)
    if SHAPE_CLASSES[kind] == "circle":
        return u**2 + v**2 <= radius**2
    if SHAPE_CLASSES[kind] == "square":
        half = radius / np.sqrt(2)  # corners on the circle of the given radius
        return (np.abs(u) <= half) & (np.abs(v) <= half)
    # Equilateral triangle inscribed in the circle: inside all three edges' half-planes.
    inside = np.ones_like(u, dtype=bool)
    for k in range(3):
        theta = 2 * np.pi * k / 3
        inside &= u * np.cos(theta) + v * np.sin(theta) <= radius / 2
    return inside


@cache
def _textures() -> tuple[np.ndarray, ...]:
    from cnnkit.data.images import sample_image

    return tuple(sample_image(name, gray=True)[..., 0] for name in ("brick", "grass", "gravel"))


def _background(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    tint = rng.uniform(0.15, 0.55, size=3)
    if kind == "plain":
        return np.broadcast_to(tint, (size, size, 3)).copy()
    if kind == "noise":
        ramp = np.linspace(-0.15, 0.15, size)
        gradient = ramp[:, None] * rng.uniform(-1, 1) + ramp[None, :] * rng.uniform(-1, 1)
        noise = rng.normal(0, 0.05, size=(size, size, 1))
        return tint + gradient[..., None] + noise
    texture = _textures()[rng.integers(len(_textures()))]
    top, left = rng.integers(0, texture.shape[0] - size + 1), rng.integers(0, texture.shape[1] - size + 1)
    patch = texture[top:top + size, left:left + size]
    return tint * (0.5 + patch[..., None])


def make_shapes(
    num_images: int,
    image_size: int = 64,
    shapes_per_image: int | tuple[int, int] = 1,
    radius_range: tuple[float, float] = (0.12, 0.3),
    background: str = "noise",
    seed: int = 0,
    max_occlusion: float = 1.0,
) -> ShapesData:
    """Generate ``num_images`` scenes of circles, squares and triangles.

    Args:
        num_images: how many images.
        image_size: height and width in pixels (at least 16).
        shapes_per_image: a count, or ``(low, high)`` to draw each image's count from,
            both inclusive.
        radius_range: shape radius as a fraction of ``image_size``; every shape lies fully
            inside the image.
        background: ``"plain"`` (one colour), ``"noise"`` (a colour gradient with noise) or
            ``"texture"`` (real brick, grass or gravel photographs from scikit-image, tinted).
        seed: the same seed gives the same data.
        max_occlusion: the largest fraction of a shape that the shapes drawn after it may
            cover. A shape that would hide more of an earlier one is drawn again elsewhere (up
            to ``PLACEMENT_TRIES`` times, then left out, so a scene may hold fewer shapes).
            Detection uses it so that every box has an object to see; 1.0 (the default)
            allows any overlap.
    """
    low, high = (shapes_per_image, shapes_per_image) if isinstance(shapes_per_image, int) else shapes_per_image
    if num_images < 0 or image_size < MIN_IMAGE_SIZE:
        raise ValueError(f"num_images must be >= 0 and image_size >= {MIN_IMAGE_SIZE}, got {num_images}, {image_size}.")
    if not 1 <= low <= high:
        raise ValueError(f"shapes_per_image must satisfy 1 <= low <= high, got {shapes_per_image!r}.")
    if not 0 < radius_range[0] <= radius_range[1] < 0.5:
        raise ValueError(f"radius_range must satisfy 0 < low <= high < 0.5, got {radius_range!r}.")
    if background not in BACKGROUNDS:
        raise ValueError(f"background must be one of {BACKGROUNDS}, got {background!r}.")
    if not 0.0 <= max_occlusion <= 1.0:
        raise ValueError(f"max_occlusion must be in [0, 1], got {max_occlusion!r}.")

    rng = np.random.default_rng(seed)
    images = np.empty((num_images, image_size, image_size, 3), np.float32)
    masks = np.zeros((num_images, image_size, image_size), np.uint8)
    labels = np.empty(num_images, np.int32)
    boxes = np.zeros((num_images, high, 4), np.float32)
    box_classes = np.full((num_images, high), -1, np.int32)

    for i in range(num_images):
        image = _background(background, image_size, rng)
        drawn: list[tuple[np.ndarray, int]] = []  # each earlier shape's visible pixels and its area
        j = 0
        for _ in range(rng.integers(low, high + 1)):
            for _ in range(PLACEMENT_TRIES):
                kind = int(rng.integers(len(SHAPE_CLASSES)))
                radius = rng.uniform(*radius_range) * image_size
                cx, cy = rng.uniform(radius, image_size - radius, size=2)
                shape = _shape_mask(kind, image_size, cx, cy, radius, rng.uniform(0, 2 * np.pi))
                # With max_occlusion = 1 the first placement always passes (and the random stream
                # is the one earlier versions drew).
                if all(np.count_nonzero(visible & ~shape) >= (1 - max_occlusion) * area for visible, area in drawn):
                    break
            else:  # every placement hid too much of an earlier shape: leave this one out
                continue
            drawn = [(visible & ~shape, area) for visible, area in drawn] + [(shape, np.count_nonzero(shape))]
            # Bright, saturated colours stand out from the darker backgrounds.
            colour = rng.uniform(0.0, 1.0, size=3)
            colour[rng.integers(3)] = 1.0
            image[shape] = colour
            masks[i][shape] = kind + 1
            rows, cols = np.nonzero(shape)
            boxes[i, j] = (cols.min(), rows.min(), cols.max() + 1, rows.max() + 1)
            box_classes[i, j] = kind
            j += 1
        counts = np.bincount(masks[i].ravel(), minlength=len(SHAPE_CLASSES) + 1)[1:]
        labels[i] = int(np.argmax(counts))
        images[i] = np.clip(image, 0.0, 1.0)
    return ShapesData(images, masks, labels, boxes, box_classes, SHAPE_CLASSES)

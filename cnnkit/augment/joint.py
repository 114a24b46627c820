"""Augmentation for segmentation: every transform moves an image and its mask together.

A segmentation mask says which class each pixel belongs to, so whatever flips, turns,
crops or zooms the image must do exactly the same to the mask, or the labels end up on the
wrong pixels. Here one random affine transform (flip, rotation, zoom, shift) is drawn per
example and applied to both: with bilinear interpolation to the image, and with
nearest-neighbour interpolation to the mask, which only ever copies existing labels (a pixel
halfway between class 1 and class 3 must not become class 2). A random crop is a zoom in
plus a shift: the window the output shows lies inside the image whenever
``shift <= 1 - 1 / zoom``.

Rotations follow Keras' convention (``keras.layers.RandomRotation``, and
:func:`cnnkit.augment.classification.build_augmenter`): a fraction of a full turn, so
``rotation=0.05`` turns by up to 18 degrees either way.

Randomness is stateless: the same seed gives the same transform, so a pipeline is repeatable.

    augmented = augment_dataset(tf.data.Dataset.from_tensor_slices((images, masks)), seed=0)
"""

from __future__ import annotations

import math

import tensorflow as tf
from keras import ops

FILL_MODES = ("reflect", "constant", "nearest", "wrap")


def _check_options(rotation: float, zoom_range: tuple[float, float], shift: float, fill_mode: str) -> None:
    if not 0 <= rotation <= 0.5:
        hint = f" ({rotation} looks like degrees: {rotation} degrees is {rotation / 360:.3g})" if rotation > 0.5 else ""
        raise ValueError(f"rotation must be a fraction of a full turn between 0 and 0.5 (0.05 is 18 degrees), "
                         f"got {rotation!r}{hint}.")
    if not 0 < zoom_range[0] <= zoom_range[1]:
        raise ValueError(f"zoom_range must satisfy 0 < low <= high, got {zoom_range!r}.")
    if not 0 <= shift < 1:
        raise ValueError(f"shift must be in [0, 1), a fraction of the image size, got {shift!r}.")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {FILL_MODES}, got {fill_mode!r}.")


def random_affine(seed, height, width, flip=True, rotation=0.04, zoom_range=(0.8, 1.25), shift=0.1):
    """Draw one random transform, as the 8 numbers ``keras.ops.image.affine_transform`` takes.

    The transform maps each output pixel to the input point it is read from: about the
    image centre, a horizontal flip (with probability 1/2 when ``flip``), a rotation by up
    to ``rotation`` of a full turn either way (0.04 is 14.4 degrees), a zoom by a factor
    from ``zoom_range`` (above 1 enlarges the content, i.e. crops), then a shift by up to
    ``shift`` times the image size along each axis.

    Args:
        seed: two integers (a shape (2,) tensor); the same seed gives the same transform.
        height, width: image size in pixels.

    Returns:
        float32 tensor of shape (8,).
    """
    u = tf.random.stateless_uniform((5,), seed=seed)  # five numbers in [0, 1)
    mirror = tf.where(u[0] < 0.5, -1.0, 1.0) if flip else 1.0
    angle = (2.0 * u[1] - 1.0) * rotation * 2.0 * math.pi  # radians
    zoom = zoom_range[0] + u[2] * (zoom_range[1] - zoom_range[0])
    shift_x = (2.0 * u[3] - 1.0) * shift * width
    shift_y = (2.0 * u[4] - 1.0) * shift * height
    # Output -> input: undo the zoom, rotate, mirror, all about the centre (pixel centres at integers).
    cos, sin = tf.cos(angle) / zoom, tf.sin(angle) / zoom
    a0, a1 = cos * mirror, -sin
    b0, b1 = sin * mirror, cos
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    a2 = cx - a0 * cx - a1 * cy + shift_x
    b2 = cy - b0 * cx - b1 * cy + shift_y
    return tf.stack([a0, a1, a2, b0, b1, b2, 0.0, 0.0])


def apply_affine(image, mask, transform, fill_mode="reflect"):
    """Apply one transform to an image (bilinear) and its mask (nearest neighbour).

    Args:
        image: float tensor of shape (height, width, channels).
        mask: integer label map of shape (height, width) or (height, width, 1).
        transform: shape (8,), from :func:`random_affine`.
        fill_mode: how points outside the image are filled, the same for image and mask
            so that they stay aligned: one of ``FILL_MODES`` ("constant" fills with 0, the
            background class of the mask).

    Returns:
        (image, mask) with the input shapes and dtypes.
    """
    mask = tf.convert_to_tensor(mask)
    image = ops.image.affine_transform(image, transform, interpolation="bilinear", fill_mode=fill_mode)
    labels = tf.cast(mask if mask.shape.rank == 3 else mask[..., None], "float32")
    labels = ops.image.affine_transform(labels, transform, interpolation="nearest", fill_mode=fill_mode)
    labels = tf.cast(tf.round(labels), mask.dtype)
    return image, (labels if mask.shape.rank == 3 else labels[..., 0])


def augment_pair(image, mask, seed, flip=True, rotation=0.04, zoom_range=(0.8, 1.25), shift=0.1,
                 fill_mode="reflect"):
    """A random flip, rotation, zoom and shift applied to an image and its mask together.

    Args:
        image: float tensor of shape (height, width, channels).
        mask: integer label map of shape (height, width) or (height, width, 1).
        seed: two integers; the same seed gives the same transform.
        flip, rotation, zoom_range, shift: see :func:`random_affine`; ``flip=False``,
            ``rotation=0``, ``zoom_range=(1, 1)``, ``shift=0`` turn each one off.
        fill_mode: see :func:`apply_affine`.

    Returns:
        (image, mask), transformed, with the input shapes and dtypes.
    """
    _check_options(rotation, zoom_range, shift, fill_mode)
    image = tf.convert_to_tensor(image, tf.float32)
    height, width = image.shape[0], image.shape[1]
    transform = random_affine(seed, height, width, flip, rotation, zoom_range, shift)
    return apply_affine(image, mask, transform, fill_mode)


def augment_dataset(dataset, seed=0, **options):
    """Augment every (image, mask) pair of an unbatched ``tf.data.Dataset``.

    Each example gets its own transform, and a new one every epoch; the sequence of
    transforms is the same for the same ``seed``. Batch after augmenting.

    Args:
        dataset: elements ``(image, mask)`` of shapes (height, width, channels) and
            (height, width) or (height, width, 1).
        seed: an int.
        options: passed to :func:`augment_pair` (``flip``, ``rotation``, ``zoom_range``,
            ``shift``, ``fill_mode``); bad values raise ValueError at once.
    """
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    pairs = tf.data.Dataset.zip((dataset, seeds))
    return pairs.map(lambda pair, pair_seed: augment_pair(pair[0], pair[1], pair_seed, **options),
                     num_parallel_calls=tf.data.AUTOTUNE)

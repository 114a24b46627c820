"""Turn NumPy arrays into a ``tf.data.Dataset`` ready for ``model.fit``."""

from __future__ import annotations

import numpy as np


def to_dataset(
    x: np.ndarray,
    y: np.ndarray | None = None,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int | None = None,
):
    """A cached, batched, prefetched ``tf.data.Dataset`` of ``x`` (and ``y``), in order unless asked to shuffle.

    With ``shuffle=True`` (ask for it for training data) the examples are shuffled before
    batching, over the whole array, and again every epoch, so that batches differ from one
    epoch to the next. Like every dataset builder of the course it does not shuffle by default.
    This is :func:`cnnkit.augment.classification.make_dataset` (notebook 06) without augmentation.

    Args:
        x: inputs, first axis the examples, e.g. ``(n, height, width, channels)``.
        y: targets with the same first axis, or ``None`` for inputs only.
        batch_size: examples per batch (the last batch may be smaller).
        shuffle: shuffle the examples each epoch; leave it ``False`` for validation and test data.
        seed: makes the shuffle order repeatable.
    """
    from cnnkit.augment.classification import make_dataset

    return make_dataset(x, y, batch_size=batch_size, shuffle=shuffle, seed=seed)


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

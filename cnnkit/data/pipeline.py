"""Turn NumPy arrays into a ``tf.data.Dataset`` ready for ``model.fit``."""

from __future__ import annotations

import numpy as np


def to_dataset(
    x: np.ndarray,
    y: np.ndarray | None = None,
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int | None = None,
):
    """A batched, prefetched ``tf.data.Dataset`` of ``x`` (and ``y``).

    Shuffling happens before batching, over the whole array, and again every epoch, so
    that batches differ from one epoch to the next. Keep ``shuffle=False`` for test data.

    Args:
        x: inputs, first axis the examples, e.g. ``(n, height, width, channels)``.
        y: targets with the same first axis, or ``None`` for inputs only.
        batch_size: examples per batch (the last batch may be smaller).
        shuffle: shuffle the examples each epoch.
        seed: makes the shuffle order repeatable.
    """
    import tensorflow as tf

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    if y is not None and len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}.")
    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)

"""Augmentation for image classification (notebook 06): random Keras layers, and the
``tf.data`` pipeline that feeds a model, with or without them.

Random layers change images only when called with ``training=True``; at inference they pass
images through unchanged. Augment the training split only: validation and test images must be
the real ones.
"""

from __future__ import annotations

import keras
import tensorflow as tf


def build_augmenter(flip=True, rotation=0.05, translation=0.1, zoom=0.1, contrast=0.2, seed=None):
    """Random flips, rotations, shifts, zooms and contrast changes as one Keras model.

    Args:
        flip: mirror images left to right at random (``RandomFlip("horizontal")``).
        rotation: largest rotation, as a fraction of a full turn (0.05 is 18 degrees).
        translation: largest shift, as a fraction of the height and of the width.
        zoom: largest zoom in or out, as a fraction of the size.
        contrast: largest contrast change, as a fraction; images are taken to lie in [0, 1].
        seed: makes the random draws repeatable.
        A factor of 0 (or ``flip=False``) leaves that layer out. Rotated, shifted and zoomed
        images are filled with zeros (black) where the original has no pixels.

    Returns:
        A ``keras.Sequential`` named ``"augmenter"`` mapping ``(batch, height, width, channels)``
        images in [0, 1] to images of the same shape, still in [0, 1].
    """
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed, name="flip"))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, fill_mode="constant", seed=seed, name="rotation"))
    if translation:
        layers.append(keras.layers.RandomTranslation(translation, translation, fill_mode="constant",
                                                     seed=seed, name="translation"))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="constant", seed=seed, name="zoom"))
    if contrast:
        layers.append(keras.layers.RandomContrast(contrast, value_range=(0, 1), seed=seed, name="contrast"))
    return keras.Sequential(layers, name="augmenter")


def make_dataset(x, y=None, batch_size=32, augment=None, shuffle=False, seed=None):
    """A cached, batched, prefetched ``tf.data.Dataset`` of ``x`` (and ``y``).

    The order of the steps matters: cache the examples, shuffle single examples (so that each
    epoch mixes them anew), batch, augment whole batches (after the cache, so that every epoch
    gets new random changes), prefetch (so the next batch is ready while the model trains).

    Args:
        x: images, ``(n, height, width, channels)``, or any inputs with the examples first.
        y: targets, ``(n,)`` or ``(n, ...)``; ``None`` for a dataset of inputs only.
        batch_size: examples per batch; the last batch may be smaller.
        augment: ``None``, or a callable such as :func:`build_augmenter`'s model, applied to each
            batch of images with ``training=True``. Leave it ``None`` for validation and test data.
        shuffle: shuffle the examples every epoch; leave it ``False`` for validation and test data.
        seed: makes the shuffle order repeatable.

    Returns:
        A ``tf.data.Dataset`` of ``(images, targets)`` batches, or of image batches when ``y`` is None.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    if y is not None and len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}.")
    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).cache()
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    if augment is not None and y is None:
        dataset = dataset.map(lambda images: augment(images, training=True))
    elif augment is not None:
        dataset = dataset.map(lambda images, labels: (augment(images, training=True), labels))
    return dataset.prefetch(tf.data.AUTOTUNE)

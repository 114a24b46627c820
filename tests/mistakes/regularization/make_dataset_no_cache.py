"""Forgets the cache."""
import tensorflow as tf

EXERCISE = "make_dataset"
EXPECTED_HINT = ".cache()"


def make_dataset(x, y=None, batch_size=32, augment=None, shuffle=False, seed=None):
    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed)
    dataset = dataset.batch(batch_size)
    if augment is not None:
        dataset = dataset.map(lambda images, labels: (augment(images, training=True), labels))
    return dataset.prefetch(tf.data.AUTOTUNE)

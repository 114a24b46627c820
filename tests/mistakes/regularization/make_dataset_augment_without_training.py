"""Calls the augmenter without training=True: Keras' random layers then pass images through unchanged."""
import tensorflow as tf

EXERCISE = "make_dataset"
EXPECTED_HINT = "training=True"


def make_dataset(x, y=None, batch_size=32, augment=None, shuffle=False, seed=None):
    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).cache()
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed)
    dataset = dataset.batch(batch_size)
    if augment is not None:
        dataset = dataset.map(lambda images, labels: (augment(images), labels))
    return dataset.prefetch(tf.data.AUTOTUNE)

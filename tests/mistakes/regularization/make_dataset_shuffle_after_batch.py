"""Shuffles after batching: the batches come in a new order, but each always holds the same examples."""
import tensorflow as tf

EXERCISE = "make_dataset"
EXPECTED_HINT = "shuffled after batching"


def make_dataset(x, y=None, batch_size=32, augment=None, shuffle=False, seed=None):
    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).cache().batch(batch_size)
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed)
    if augment is not None:
        dataset = dataset.map(lambda images, labels: (augment(images, training=True), labels))
    return dataset.prefetch(tf.data.AUTOTUNE)

"""Always augments, also when augment=None: the validation and test images get changed too."""
import keras
import tensorflow as tf

EXERCISE = "make_dataset"
EXPECTED_HINT = "never augmented"

SHIFT = keras.layers.RandomTranslation(0.2, 0.2)


def make_dataset(x, y=None, batch_size=32, augment=None, shuffle=False, seed=None):
    augment = augment or SHIFT
    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).cache()
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed)
    dataset = dataset.batch(batch_size)
    if y is None:
        dataset = dataset.map(lambda images: augment(images, training=True))
    else:
        dataset = dataset.map(lambda images, labels: (augment(images, training=True), labels))
    return dataset.prefetch(tf.data.AUTOTUNE)

"""Divides by the maximum, which the docstring does not ask for."""
import tensorflow as tf

EXERCISE = "saliency_map"
EXPECTED_HINT = "do not divide by the maximum"


def saliency_map(model, image, class_index):
    x = tf.convert_to_tensor(image[None], dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = model(x, training=False)[0, class_index]
    magnitude = tf.reduce_max(tf.abs(tape.gradient(score, x)[0]), axis=-1)
    return (magnitude / tf.reduce_max(magnitude)).numpy()

"""Forgets tape.watch: the image is a constant, so the gradient is None."""
import tensorflow as tf

EXERCISE = "saliency_map"
EXPECTED_HINT = "tape.watch"


def saliency_map(model, image, class_index):
    x = tf.convert_to_tensor(image[None], dtype=tf.float32)
    with tf.GradientTape() as tape:
        score = model(x, training=False)[0, class_index]
    gradient = tape.gradient(score, x)[0]
    return tf.reduce_max(tf.abs(gradient), axis=-1).numpy()

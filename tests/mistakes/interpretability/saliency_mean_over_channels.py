"""Averages the channels instead of taking their maximum."""
import tensorflow as tf

EXERCISE = "saliency_map"
EXPECTED_HINT = "not the mean"


def saliency_map(model, image, class_index):
    x = tf.convert_to_tensor(image[None], dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = model(x, training=False)[0, class_index]
    gradient = tape.gradient(score, x)[0]
    return tf.reduce_mean(tf.abs(gradient), axis=-1).numpy()

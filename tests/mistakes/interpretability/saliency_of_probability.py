"""Takes the gradient of the softmax probability instead of the class score."""
import tensorflow as tf

EXERCISE = "saliency_map"
EXPECTED_HINT = "gradient of the softmax probability"


def saliency_map(model, image, class_index):
    x = tf.convert_to_tensor(image[None], dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        probability = tf.nn.softmax(model(x, training=False))[0, class_index]
    gradient = tape.gradient(probability, x)[0]
    return tf.reduce_max(tf.abs(gradient), axis=-1).numpy()

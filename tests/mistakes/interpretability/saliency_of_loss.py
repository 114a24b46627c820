"""Takes the gradient of the cross-entropy loss of the class instead of the class score."""
import keras
import tensorflow as tf

EXERCISE = "saliency_map"
EXPECTED_HINT = "gradient of the loss"


def saliency_map(model, image, class_index):
    x = tf.convert_to_tensor(image[None], dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)
        loss = keras.losses.sparse_categorical_crossentropy(
            tf.constant([class_index]), scores, from_logits=True)
    gradient = tape.gradient(loss, x)[0]
    return tf.reduce_max(tf.abs(gradient), axis=-1).numpy()

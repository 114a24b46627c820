"""Forgets to divide by the maximum."""
import keras
import tensorflow as tf

EXERCISE = "grad_cam"
EXPECTED_HINT = "Divide the heat map by its maximum"


def grad_cam(model, image, class_index, conv_layer_name):
    grad_model = keras.Model(model.inputs[0], [model.get_layer(conv_layer_name).output, model.outputs[0]])
    x = tf.convert_to_tensor(image[None], dtype=tf.float32)
    with tf.GradientTape() as tape:
        feature_maps, scores = grad_model(x, training=False)
        score = scores[0, class_index]
    gradients = tape.gradient(score, feature_maps)
    weights = tf.reduce_mean(gradients, axis=(1, 2))
    cam = tf.nn.relu(tf.reduce_sum(feature_maps * weights[:, None, None, :], axis=-1))
    return tf.image.resize(cam[..., None], image.shape[:2])[0, :, :, 0].numpy()

"""Turns the logits into probabilities with tf.sigmoid, then uses a from-logits loss on them. (Keras spots its
own keras.ops.sigmoid in front of a from-logits loss and undoes it, with a warning; tf.sigmoid it misses.)"""
import tensorflow as tf
from keras import ops

from cnnkit.topics.generative import kl_divergence

EXERCISE = "vae_loss"
EXPECTED_HINT = "probabilities fed to a from-logits loss"


def vae_loss(images, reconstruction_logits, mean, log_var, beta=1.0):
    probabilities = tf.sigmoid(reconstruction_logits)
    per_pixel = ops.binary_crossentropy(ops.cast(images, "float32"), probabilities, from_logits=True)
    reconstruction = ops.mean(ops.sum(per_pixel, axis=(1, 2, 3)))
    kl = ops.mean(kl_divergence(mean, log_var))
    return {"loss": reconstruction + beta * kl, "reconstruction_loss": reconstruction, "kl_loss": kl}

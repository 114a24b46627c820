"""Turns the logits into probabilities with tf.sigmoid, then uses a from-logits loss on them. (Keras spots its
own keras.ops.sigmoid in front of a from-logits loss and undoes it, with a warning; tf.sigmoid it misses.)"""
import tensorflow as tf
from keras import ops

EXERCISE = "discriminator_loss"
EXPECTED_HINT = "probabilities fed to a from-logits loss"


def discriminator_loss(real_logits, fake_logits):
    real, fake = tf.sigmoid(real_logits), tf.sigmoid(fake_logits)
    real_loss = ops.mean(ops.binary_crossentropy(ops.ones_like(real), real, from_logits=True))
    fake_loss = ops.mean(ops.binary_crossentropy(ops.zeros_like(fake), fake, from_logits=True))
    return real_loss + fake_loss

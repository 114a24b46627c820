"""Turns the logits into probabilities with tf.sigmoid, then uses a from-logits loss on them. (Keras spots its
own keras.ops.sigmoid in front of a from-logits loss and undoes it, with a warning; tf.sigmoid it misses.)"""
import tensorflow as tf
from keras import ops

EXERCISE = "generator_loss"
EXPECTED_HINT = "probabilities fed to a from-logits loss"


def generator_loss(fake_logits):
    scores = tf.sigmoid(fake_logits)
    return ops.mean(ops.binary_crossentropy(ops.ones_like(scores), scores, from_logits=True))

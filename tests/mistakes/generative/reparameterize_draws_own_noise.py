"""Ignores the epsilon it is given and draws its own: the caller cannot reproduce the sample."""
import keras
from keras import ops

EXERCISE = "reparameterize"
EXPECTED_HINT = "Use the epsilon you are given"


def reparameterize(mean, log_var, epsilon):
    noise = keras.random.normal(ops.shape(mean))
    return mean + ops.exp(0.5 * log_var) * noise

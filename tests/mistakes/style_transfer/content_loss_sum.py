"""Sums the squared differences instead of averaging them."""
import keras

EXERCISE = "content_loss"
EXPECTED_HINT = "take their mean"


def content_loss(content, generated):
    return keras.ops.sum(keras.ops.square(generated - content))

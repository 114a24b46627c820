"""Returns the root mean squared difference."""
import keras

EXERCISE = "content_loss"
EXPECTED_HINT = "no square root"


def content_loss(content, generated):
    return keras.ops.sqrt(keras.ops.mean(keras.ops.square(generated - content)))

"""Returns (skip, features) instead of (features, skip)."""
from keras import layers

from cnnkit.models.unet import conv_block

EXERCISE = "encoder_block"
EXPECTED_HINT = "order is swapped"


def encoder_block(x, filters, name="encoder"):
    skip = conv_block(x, filters, name)
    features = layers.MaxPooling2D(2, name=f"{name}_pool")(skip)
    return skip, features

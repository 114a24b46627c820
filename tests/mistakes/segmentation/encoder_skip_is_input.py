"""Hands the block's input to the decoder instead of the convolved features."""
from keras import layers

from cnnkit.models.unet import conv_block

EXERCISE = "encoder_block"
EXPECTED_HINT = "skip is the block's input"


def encoder_block(x, filters, name="encoder"):
    features = layers.MaxPooling2D(2, name=f"{name}_pool")(conv_block(x, filters, name))
    return features, x

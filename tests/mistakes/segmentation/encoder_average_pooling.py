"""Pools with the average instead of the maximum."""
from keras import layers

from cnnkit.models.unet import conv_block

EXERCISE = "encoder_block"
EXPECTED_HINT = "average pooling"


def encoder_block(x, filters, name="encoder"):
    skip = conv_block(x, filters, name)
    return layers.AveragePooling2D(2, name=f"{name}_pool")(skip), skip

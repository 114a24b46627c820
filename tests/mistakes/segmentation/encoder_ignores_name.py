"""Ignores the name argument, so that two blocks in one model clash."""
from keras import layers

from cnnkit.models.unet import conv_block

EXERCISE = "encoder_block"
EXPECTED_HINT = "Pass `name` on to conv_block"


def encoder_block(x, filters, name="encoder"):
    skip = conv_block(x, filters, "block")
    return layers.MaxPooling2D(2)(skip), skip

"""Adds the skip tensor (as in ResNet) instead of concatenating it."""
from keras import layers

from cnnkit.models.unet import conv_block

EXERCISE = "decoder_block"
EXPECTED_HINT = "added, not concatenated"


def decoder_block(x, skip, filters, upsampling="transpose", name="decoder"):
    if upsampling == "transpose":
        x = layers.Conv2DTranspose(filters, 2, strides=2, name=f"{name}_up")(x)
    else:
        x = layers.Conv2D(filters, 1, name=f"{name}_match")(layers.UpSampling2D(2, name=f"{name}_up")(x))
    if skip is not None:
        x = layers.Add(name=f"{name}_add")([x, skip])
    return conv_block(x, filters, name)

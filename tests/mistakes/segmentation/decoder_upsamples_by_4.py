"""Upsamples by 4: x no longer matches skip's size."""
from keras import layers

from cnnkit.models.unet import conv_block

EXERCISE = "decoder_block"
EXPECTED_HINT = "factor of 2"


def decoder_block(x, skip, filters, upsampling="transpose", name="decoder"):
    if upsampling == "transpose":
        x = layers.Conv2DTranspose(filters, 4, strides=4, name=f"{name}_up")(x)
    else:
        x = layers.UpSampling2D(4, interpolation="bilinear", name=f"{name}_up")(x)
    if skip is not None:
        x = layers.Concatenate(name=f"{name}_concat")([x, skip])
    return conv_block(x, filters, name)

"""Upsamples and convolves but never uses the skip tensor."""
from keras import layers

from cnnkit.models.unet import conv_block

EXERCISE = "decoder_block"
EXPECTED_HINT = "skip concatenation is missing"


def decoder_block(x, skip, filters, upsampling="transpose", name="decoder"):
    if upsampling == "transpose":
        x = layers.Conv2DTranspose(filters, 2, strides=2, name=f"{name}_up")(x)
    else:
        x = layers.UpSampling2D(2, interpolation="bilinear", name=f"{name}_up")(x)
    return conv_block(x, filters, name)

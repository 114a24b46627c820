"""Ignores the upsampling argument."""
from keras import layers

from cnnkit.models.unet import conv_block

EXERCISE = "decoder_block"
EXPECTED_HINT = "upsampling='bilinear' asks for UpSampling2D"


def decoder_block(x, skip, filters, upsampling="transpose", name="decoder"):
    x = layers.Conv2DTranspose(filters, 2, strides=2, name=f"{name}_up")(x)
    if skip is not None:
        x = layers.Concatenate(name=f"{name}_concat")([x, skip])
    return conv_block(x, filters, name)

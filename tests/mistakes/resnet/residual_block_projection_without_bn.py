"""The projection shortcut is a bare 1x1 convolution."""

from keras import layers

EXERCISE = "residual_block"
EXPECTED_HINT = "batch normalisation is missing on the shortcut projection"


def residual_block(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride)(x)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.Activation("relu")(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    return layers.Activation("relu")(layers.Add()([y, shortcut]))

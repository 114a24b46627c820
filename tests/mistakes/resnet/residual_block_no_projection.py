"""Always adds the input as it is, even when stride or channels change."""

from keras import layers

EXERCISE = "residual_block"
EXPECTED_HINT = "projection"


def residual_block(x, filters, stride=1, name="block"):
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.Activation("relu")(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    return layers.Activation("relu")(layers.Add()([y, x]))

"""Gives the block's convolutions a bias although batch norm follows each of them."""

from keras import layers

EXERCISE = "bottleneck_block"
EXPECTED_HINT = "needs no bias"


def bottleneck_block(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1 or x.shape[-1] != 4 * filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, strides=stride)(x))
    y = layers.Activation("relu")(layers.BatchNormalization()(layers.Conv2D(filters, 1)(x)))
    y = layers.Activation("relu")(
        layers.BatchNormalization()(layers.Conv2D(filters, 3, strides=stride, padding="same")(y))
    )
    y = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1)(y))
    return layers.Activation("relu")(layers.Add()([y, shortcut]))

"""Puts the stride on the expanding 1x1 convolution."""

from keras import layers

EXERCISE = "bottleneck_block"
EXPECTED_HINT = "last 1x1 convolution"


def bottleneck_block(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1 or x.shape[-1] != 4 * filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, strides=stride, use_bias=False)(x))
    y = layers.Activation("relu")(layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x)))
    y = layers.Activation("relu")(
        layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    )
    y = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, strides=stride, use_bias=False)(y))
    return layers.Activation("relu")(layers.Add()([y, shortcut]))

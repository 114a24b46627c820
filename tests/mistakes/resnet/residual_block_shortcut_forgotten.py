"""Builds the layers of the shortcut but adds the main path to itself: a plain block."""

from keras import layers

EXERCISE = "residual_block"
EXPECTED_HINT = "shortcut is missing"


def residual_block(x, filters, stride=1, name="block"):
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.Activation("relu")(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x))
        y = layers.Add()([y, shortcut])
    return layers.Activation("relu")(y)

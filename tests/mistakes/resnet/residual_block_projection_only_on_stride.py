"""Projects the shortcut only when the stride is 2, not when only the channels change."""

from keras import layers

EXERCISE = "residual_block"
EXPECTED_HINT = "projection"


def residual_block(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x))
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.Activation("relu")(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    return layers.Activation("relu")(layers.Add()([y, shortcut]))

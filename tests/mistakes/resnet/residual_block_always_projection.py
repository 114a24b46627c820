"""Uses a projection even when input and output have the same shape."""

from keras import layers

EXERCISE = "residual_block"
EXPECTED_HINT = "shortcut is the identity"


def residual_block(x, filters, stride=1, name="block"):
    shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x))
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.Activation("relu")(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    return layers.Activation("relu")(layers.Add()([y, shortcut]))

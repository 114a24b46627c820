"""The last 1x1 convolution keeps filters channels instead of expanding to 4 * filters."""

from keras import layers

EXERCISE = "bottleneck_block"
EXPECTED_HINT = "4 * filters"


def bottleneck_block(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x))
    y = layers.Activation("relu")(layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x)))
    y = layers.Activation("relu")(
        layers.BatchNormalization()(layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(y))
    )
    y = layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(y))
    return layers.Activation("relu")(layers.Add()([y, shortcut]))

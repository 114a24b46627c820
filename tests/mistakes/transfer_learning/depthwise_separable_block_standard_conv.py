"""A full 3x3 Conv2D where the depthwise convolution belongs: no savings at all."""
from keras import layers

EXERCISE = "depthwise_separable_block"
EXPECTED_HINT = "DepthwiseConv2D"


def depthwise_separable_block(x, filters, stride=1, name="block"):
    y = layers.ZeroPadding2D(1)(x)
    y = layers.Conv2D(x.shape[-1], 3, strides=stride, use_bias=False)(y)
    y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 1, use_bias=False)(y)
    return layers.ReLU(6.0)(layers.BatchNormalization()(y))

"""The stride on the 1x1 convolution, which then skips three pixels out of four."""
from keras import layers

EXERCISE = "depthwise_separable_block"
EXPECTED_HINT = "stride belongs on the 3x3 depthwise"


def depthwise_separable_block(x, filters, stride=1, name="block"):
    y = layers.ZeroPadding2D(1)(x)
    y = layers.DepthwiseConv2D(3, use_bias=False)(y)
    y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(y)
    return layers.ReLU(6.0)(layers.BatchNormalization()(y))

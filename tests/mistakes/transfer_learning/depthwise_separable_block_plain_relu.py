"""ReLU instead of ReLU6."""
from keras import layers

EXERCISE = "depthwise_separable_block"
EXPECTED_HINT = "ReLU6"


def depthwise_separable_block(x, filters, stride=1, name="block"):
    y = layers.ZeroPadding2D(1)(x)
    y = layers.DepthwiseConv2D(3, strides=stride, use_bias=False)(y)
    y = layers.ReLU()(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 1, use_bias=False)(y)
    return layers.ReLU()(layers.BatchNormalization()(y))

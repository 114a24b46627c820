"""No activation between the depthwise and the pointwise step."""
from keras import layers

EXERCISE = "depthwise_separable_block"
EXPECTED_HINT = "depthwise step needs its activation"


def depthwise_separable_block(x, filters, stride=1, name="block"):
    y = layers.ZeroPadding2D(1)(x)
    y = layers.DepthwiseConv2D(3, strides=stride, use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    y = layers.Conv2D(filters, 1, use_bias=False)(y)
    return layers.ReLU(6.0)(layers.BatchNormalization()(y))

"""padding="same" on the strided depthwise convolution: Keras pads only bottom and right."""
from keras import layers

EXERCISE = "depthwise_separable_block"
EXPECTED_HINT = "ZeroPadding2D(1)"


def depthwise_separable_block(x, filters, stride=1, name="block"):
    y = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 1, use_bias=False)(y)
    return layers.ReLU(6.0)(layers.BatchNormalization()(y))

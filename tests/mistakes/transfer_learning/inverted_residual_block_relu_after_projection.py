"""A ReLU6 after the projection: the bottleneck is no longer linear."""
from keras import layers

EXERCISE = "inverted_residual_block"
EXPECTED_HINT = "projection is linear"


def inverted_residual_block(x, filters, expansion, stride, name="block"):
    c_in = x.shape[-1]
    y = x
    if expansion != 1:
        y = layers.ReLU(6.0)(layers.BatchNormalization()(layers.Conv2D(c_in * expansion, 1, use_bias=False)(y)))
    y = layers.DepthwiseConv2D(3, strides=stride, use_bias=False)(layers.ZeroPadding2D(1)(y))
    y = layers.ReLU(6.0)(layers.BatchNormalization()(y))
    y = layers.ReLU(6.0)(layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(y)))
    if stride == 1 and c_in == filters:
        y = layers.Add()([x, y])
    return y

"""Pools after every convolution."""
import keras
from keras import layers

EXERCISE = "vgg_block"
EXPECTED_HINT = "Pool once"


def vgg_block(x, num_convs, filters, name="block"):
    for index in range(num_convs):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    return x

"""Forgets the pooling at the end of the block."""
import keras
from keras import layers

EXERCISE = "vgg_block"
EXPECTED_HINT = "2x2 max pooling"


def vgg_block(x, num_convs, filters, name="block"):
    for index in range(num_convs):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return x

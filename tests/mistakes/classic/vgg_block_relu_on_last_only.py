"""Applies the ReLU only after the last convolution."""
import keras
from keras import layers

EXERCISE = "vgg_block"
EXPECTED_HINT = "has a ReLU"


def vgg_block(x, num_convs, filters, name="block"):
    for index in range(num_convs):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu" if index == num_convs - 1 else None)(x)
    return layers.MaxPooling2D(2)(x)

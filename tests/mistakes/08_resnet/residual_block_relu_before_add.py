"""Applies the ReLU to the main path before adding the shortcut, and none after."""
import keras
from keras import layers

EXERCISE = "residual_block"
EXPECTED_HINT = "after the addition"


def residual_block(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, strides=stride)(x))
    y = layers.Conv2D(filters, 3, strides=stride, padding="same")(x)
    y = layers.Activation("relu")(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 3, padding="same")(y)
    y = layers.Activation("relu")(layers.BatchNormalization()(y))
    return layers.Add()([y, shortcut])

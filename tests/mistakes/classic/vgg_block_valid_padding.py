"""Uses Keras default valid padding, so every convolution shrinks the map."""
import keras
from keras import layers

EXERCISE = "vgg_block"
EXPECTED_HINT = "padding='same'"


def vgg_block(x, num_convs, filters, name="block"):
    for index in range(num_convs):
        x = layers.Conv2D(filters, 3, activation="relu")(x)
    return layers.MaxPooling2D(2)(x)

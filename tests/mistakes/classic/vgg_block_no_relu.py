"""No activation at all."""
import keras
from keras import layers

EXERCISE = "vgg_block"
EXPECTED_HINT = "negative values"


def vgg_block(x, num_convs, filters, name="block"):
    for index in range(num_convs):
        x = layers.Conv2D(filters, 3, padding="same")(x)
    return layers.MaxPooling2D(2)(x)

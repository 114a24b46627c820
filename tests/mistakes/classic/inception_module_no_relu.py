"""Forgets the ReLU activations."""
import keras
from keras import layers

EXERCISE = "inception_module"
EXPECTED_HINT = "negative values"


def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name="inception"):
    b1 = layers.Conv2D(f1, 1)(x)
    b2 = layers.Conv2D(f3, 3, padding="same")(layers.Conv2D(f3_reduce, 1)(x))
    b3 = layers.Conv2D(f5, 5, padding="same")(layers.Conv2D(f5_reduce, 1)(x))
    b4 = layers.Conv2D(pool_proj, 1)(layers.MaxPooling2D(3, strides=1, padding="same")(x))
    return layers.Concatenate()([b1, b2, b3, b4])

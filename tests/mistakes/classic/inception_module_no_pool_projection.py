"""Concatenates the pooled input without its 1x1 projection."""
import keras
from keras import layers

EXERCISE = "inception_module"
EXPECTED_HINT = "projection to pool_proj"


def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name="inception"):
    b1 = layers.Conv2D(f1, 1, activation="relu")(x)
    b2 = layers.Conv2D(f3, 3, padding="same", activation="relu")(layers.Conv2D(f3_reduce, 1, activation="relu")(x))
    b3 = layers.Conv2D(f5, 5, padding="same", activation="relu")(layers.Conv2D(f5_reduce, 1, activation="relu")(x))
    b4 = layers.MaxPooling2D(3, strides=1, padding="same")(x)
    return layers.Concatenate()([b1, b2, b3, b4])

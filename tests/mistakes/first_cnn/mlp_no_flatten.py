"""Forgets to flatten: Dense acts on the last axis only and the output keeps the image axes."""
import keras

EXERCISE = "build_mlp"
EXPECTED_HINT = "Flatten"


def build_mlp(input_shape, num_classes, classifier_activation=None):
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Dense(256, activation="relu")(inputs)
    x = keras.layers.Dense(128, activation="relu")(x)
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation)(x)
    return keras.Model(inputs, outputs)

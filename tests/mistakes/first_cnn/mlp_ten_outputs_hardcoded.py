"""Writes 10 output units instead of num_classes: the wrong number of outputs for other data."""
import keras

EXERCISE = "build_mlp"
EXPECTED_HINT = "use num_classes"


def build_mlp(input_shape, num_classes, classifier_activation=None):
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(256, activation="relu")(x)
    x = keras.layers.Dense(128, activation="relu")(x)
    outputs = keras.layers.Dense(10, activation=classifier_activation)(x)
    return keras.Model(inputs, outputs)

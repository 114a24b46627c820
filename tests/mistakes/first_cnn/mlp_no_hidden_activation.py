"""Forgets the hidden layers' activation: the network is one linear map."""
import keras

EXERCISE = "build_mlp"
EXPECTED_HINT = "collapse into one linear map"


def build_mlp(input_shape, num_classes, classifier_activation=None):
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(256)(x)
    x = keras.layers.Dense(128)(x)
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation)(x)
    return keras.Model(inputs, outputs)

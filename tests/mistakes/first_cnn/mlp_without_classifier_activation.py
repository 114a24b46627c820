"""The pre-convention signature: no classifier_activation argument at all."""
import keras

EXERCISE = "build_mlp"
EXPECTED_HINT = "takes classifier_activation"


def build_mlp(input_shape, num_classes):
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(256, activation="relu")(x)
    x = keras.layers.Dense(128, activation="relu")(x)
    outputs = keras.layers.Dense(num_classes)(x)
    return keras.Model(inputs, outputs)

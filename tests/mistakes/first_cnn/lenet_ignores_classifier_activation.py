"""Always returns logits: classifier_activation="softmax" should give probabilities."""
import keras

EXERCISE = "build_lenet5"
EXPECTED_HINT = "classifier_activation is ignored"


def build_lenet5(input_shape, num_classes, classifier_activation=None):
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(6, 5, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(16, 5, activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(120, activation="relu")(x)
    x = keras.layers.Dense(84, activation="relu")(x)
    outputs = keras.layers.Dense(num_classes)(x)
    return keras.Model(inputs, outputs)

"""Always ends with a linear layer: classifier_activation="softmax" should give probabilities."""
import keras
from keras import layers

EXERCISE = "build_vgg"
EXPECTED_HINT = "classifier_activation is ignored"


def build_vgg(config, input_shape, num_classes, include_top=True, dense_units=4096, classifier_activation=None,
              name="vgg"):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for num_convs, filters in config:
        for _ in range(num_convs):
            x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    if include_top:
        x = layers.Flatten()(x)
        x = layers.Dense(dense_units, activation="relu")(x)
        x = layers.Dense(dense_units, activation="relu")(x)
        x = layers.Dense(num_classes)(x)
    return keras.Model(inputs, x)

"""Calls every block with the same name, so the layer names collide."""
import keras
from keras import layers

EXERCISE = "build_vgg"
EXPECTED_HINT = "own name"


def vgg_block(x, num_convs, filters, name="block"):
    for index in range(1, num_convs + 1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv{index}")(x)
    return layers.MaxPooling2D(2, name=f"{name}_pool")(x)


def build_vgg(config, input_shape, num_classes, include_top=True, dense_units=4096, classifier_activation=None,
              name="vgg"):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for num_convs, filters in config:
        x = vgg_block(x, num_convs, filters)
    if include_top:
        x = layers.Flatten()(x)
        x = layers.Dense(dense_units, activation="relu")(x)
        x = layers.Dense(dense_units, activation="relu")(x)
        x = layers.Dense(num_classes, activation=classifier_activation)(x)
    return keras.Model(inputs, x)

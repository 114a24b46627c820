"""Keeps the convolutions' biases although batch normalisation follows each one."""
import keras
from keras import layers

EXERCISE = "build_conv1d_classifier"
EXPECTED_HINT = "needs no bias"


def build_conv1d_classifier(input_shape, num_classes, filters=(128, 256, 128), kernel_sizes=(8, 5, 3),
                            classifier_activation=None):
    inputs = keras.Input(input_shape)
    x = inputs
    for width, size in zip(filters, kernel_sizes):
        x = layers.Conv1D(width, size, padding="same")(x)
        x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, layers.Dense(num_classes, activation=classifier_activation)(x))

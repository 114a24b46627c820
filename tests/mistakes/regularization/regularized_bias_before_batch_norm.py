"""Keeps the convolutions' bias when batch norm follows them: a redundant parameter per channel."""
import keras

EXERCISE = "build_regularized_cnn"
EXPECTED_HINT = "needs no bias"


def build_regularized_cnn(input_shape, num_classes, augmenter=None, dropout=0.0, weight_decay=0.0,
                          batch_norm=False, classifier_activation=None):
    regularizer = keras.regularizers.L2(weight_decay) if weight_decay else None
    inputs = keras.Input(shape=input_shape)
    x = inputs if augmenter is None else augmenter(inputs)
    for filters in (16, 32):
        x = keras.layers.Conv2D(filters, 3, padding="same", kernel_regularizer=regularizer)(x)
        if batch_norm:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.Activation("relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    if dropout:
        x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.Dense(128, activation="relu", kernel_regularizer=regularizer)(x)
    if dropout:
        x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation, kernel_regularizer=regularizer)(x)
    return keras.Model(inputs, outputs)

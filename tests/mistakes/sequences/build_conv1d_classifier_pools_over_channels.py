"""Global average pooling with channels_first on channels-last tensors: it averages the channels
and keeps the time axis."""
import keras
from keras import layers

EXERCISE = "build_conv1d_classifier"
EXPECTED_HINT = "pools over the channels"


def build_conv1d_classifier(input_shape, num_classes, filters=(128, 256, 128), kernel_sizes=(8, 5, 3),
                            classifier_activation=None):
    inputs = keras.Input(input_shape)
    x = inputs
    for width, size in zip(filters, kernel_sizes):
        x = layers.Conv1D(width, size, padding="same", use_bias=False)(x)
        x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.GlobalAveragePooling1D(data_format="channels_first")(x)
    return keras.Model(inputs, layers.Dense(num_classes, activation=classifier_activation)(x))

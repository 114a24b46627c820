"""The head is stacked on base.output: the base's layers are spliced in, not held as one layer."""
import keras
from keras import layers

EXERCISE = "build_transfer_model"
EXPECTED_HINT = "call the base on it like a layer"


def build_transfer_model(base, num_classes, dropout=0.2, classifier_activation=None, name="transfer"):
    base.trainable = False
    x = layers.GlobalAveragePooling2D()(base.output)
    x = layers.Dropout(dropout)(x)
    return keras.Model(base.input, layers.Dense(num_classes, activation=classifier_activation)(x), name=name)

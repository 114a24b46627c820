"""The base is called with training=False but never frozen: fit retrains it (and its batch norm)."""
import keras
from keras import layers

EXERCISE = "build_transfer_model"
EXPECTED_HINT = "base.trainable = False"


def build_transfer_model(base, num_classes, dropout=0.2, classifier_activation=None, name="transfer"):
    inputs = keras.Input(base.input.shape[1:])
    x = layers.GlobalAveragePooling2D()(base(inputs, training=False))
    x = layers.Dropout(dropout)(x)
    return keras.Model(inputs, layers.Dense(num_classes, activation=classifier_activation)(x), name=name)

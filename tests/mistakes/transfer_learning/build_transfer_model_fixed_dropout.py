"""The dropout argument is ignored."""
import keras
from keras import layers

EXERCISE = "build_transfer_model"
EXPECTED_HINT = "Dropout(dropout)"


def build_transfer_model(base, num_classes, dropout=0.2, classifier_activation=None, name="transfer"):
    base.trainable = False
    inputs = keras.Input(base.input.shape[1:])
    x = layers.GlobalAveragePooling2D()(base(inputs, training=False))
    x = layers.Dropout(0.2)(x)
    return keras.Model(inputs, layers.Dense(num_classes, activation=classifier_activation)(x), name=name)
